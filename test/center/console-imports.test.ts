/**
 * The console's imports over real TLS on both databases (issue 11, H2): a dry run reports row by
 * row and changes nothing; an applied one is recorded in import_history and the hash-chained
 * history; bad input — a formula, Shift_JIS text, a broken row, a batch of another municipality —
 * is refused with the row and nothing is imported; a UTF-8 BOM is accepted. A JSON batch reports
 * by path. Imports with the deprecated shared token are in each named municipality's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { consoleRequest, startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';

const YOKOHAMA = '141003';
const CHIYODA = '131016';
const LEGACY_TOKEN = 'legacy-shared-token-for-this-test';

interface Result {
  importId: string;
  ok: boolean;
  dryRun: boolean;
  counts: Record<string, number>;
  issues: { path: string; message: string }[];
}

forEachDatabase((databases) => {
  describe('console: imports', () => {
    let con: ConsoleCenter;
    let admin: ConsoleClient;
    let csv: (rows: string[]) => Record<string, string>;

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), { build: { sweeper: false }, adminToken: LEGACY_TOKEN });
      admin = await con.signIn(await con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: YOKOHAMA }));
      const m = con.center.demo.batch.municipalities!.find((x) => x.code === YOKOHAMA)!;
      const header = 'code,prefecture,name,kind,population,headTitle,headName';
      csv = (rows) => ({ 'municipalities.csv': [header, ...rows].join('\n') + '\n' });
      row = (population: number | string, headName = m.head.name) =>
        `${m.code},${m.prefecture},${m.name},${m.kind},${population},${m.head.title},${headName}`;
    }, 60_000);
    afterAll(() => con?.close());

    let row: (population: number | string, headName?: string) => string;
    const run = async (body: unknown) => {
      const res = await admin.call('runImport', { params: { municipalityCode: YOKOHAMA }, body: body as never });
      expect(res.status).toBe(200);
      return res.body as Result;
    };
    const stored = async () => {
      const db = con.center.database.db;
      const m = await db.selectFrom('municipalities').select('data').where('code', '=', YOKOHAMA).executeTakeFirst();
      const audit = await db.selectFrom('audit_events').select('seq').execute();
      return { municipality: m?.data, history: audit.length };
    };

    it('refuses a formula, Shift_JIS text and a broken row, each with its row, importing nothing', async () => {
      const before = await stored();
      const formula = await run({ format: 'csv', dryRun: false, files: csv([row(100), row(100, '=1+2')]) });
      expect(formula).toMatchObject({ ok: false, issues: [{ path: 'municipalities.csv:3:headName' }] });
      const plus = await run({ format: 'csv', dryRun: false, files: csv([row('+1')]) });
      expect(plus.issues.map((i) => i.path)).toEqual(['municipalities.csv:2:population']);
      // Shift_JIS bytes read as UTF-8 arrive with replacement characters.
      const sjis = Buffer.from([0x89, 0xa1, 0x95, 0x6c, 0x8e, 0x73]).toString('utf8');
      const shiftJis = await run({ format: 'csv', dryRun: false, files: csv([row(100, sjis)]) });
      expect(shiftJis.ok).toBe(false);
      expect(shiftJis.issues[0]!.message).toContain('Shift_JIS の場合は UTF-8 で保存し直してください');
      const broken = await run({ format: 'csv', dryRun: false, files: csv([row(100), `${YOKOHAMA},神奈川県`]) });
      expect(broken).toMatchObject({ ok: false, issues: [{ path: 'municipalities.csv:3' }] });
      const unclosed = await run({ format: 'csv', dryRun: false, files: csv([`${row(100)},"open`]) });
      expect(unclosed.ok).toBe(false);
      expect(unclosed.issues[0]!.path).toMatch(/^municipalities\.csv:2/);
      expect(await stored()).toEqual(before);
    });

    it('refuses a batch for another municipality, importing nothing', async () => {
      const before = await stored();
      const other = con.center.demo.batch.municipalities!.find((x) => x.code !== YOKOHAMA)!;
      const result = await run({ format: 'json', dryRun: false, batch: { municipalities: [{ ...other, population: 1 }] } });
      expect(result).toMatchObject({ ok: false, issues: [{ path: 'municipalities[0].code' }] });
      expect(await stored()).toEqual(before);
    });

    it('a dry run changes nothing; applying imports and records who and when; a BOM and a negative number are fine', async () => {
      const before = await stored();
      const dry = await run({
        format: 'csv',
        dryRun: true,
        files: { 'municipalities.csv': `\uFEFF${csv([row(123456)])['municipalities.csv']}` },
      });
      expect(dry).toMatchObject({ ok: true, dryRun: true, counts: { municipalities: 1 }, issues: [] });
      expect(await stored()).toEqual(before);

      const negative = await run({ format: 'csv', dryRun: true, files: csv([row(-5)]) });
      // Not a formula: refused by the schema (population is not negative), by its column.
      expect(negative.issues.map((i) => i.path)).toEqual(['municipalities.csv:2:population']);

      const applied = await run({ format: 'csv', dryRun: false, files: csv([row(123456)]) });
      expect(applied).toMatchObject({ ok: true, dryRun: false, counts: { municipalities: 1 } });
      expect(JSON.parse((await stored()).municipality!)).toMatchObject({ population: 123456 });
      const history = await con.center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'municipal_data_imported')
        .executeTakeFirstOrThrow();
      expect(history.municipality_code).toBe(YOKOHAMA);
      expect(JSON.parse(history.detail_json!)).toMatchObject({ staffId: admin.me!.staffId, importId: applied.importId, total: 1 });

      const list = await admin.call('imports', { params: { municipalityCode: YOKOHAMA } });
      const imports = (list.body as { imports: { importId: string; staffId: string; dryRun: boolean; ok: boolean }[] }).imports;
      expect(imports[0]).toMatchObject({ importId: applied.importId, staffId: admin.me!.staffId, dryRun: false, ok: true });
      expect(imports[1]).toMatchObject({ dryRun: true });
      // Every run is listed, the refused ones too (5 above, 1 of another municipality, 3 here).
      expect(imports).toHaveLength(9);
    });

    it('a JSON batch: the dry run reports each problem by its path and changes nothing; applied, it is stored', async () => {
      const resident = con.center.demo.batch.residents!.find((r) => r.municipalityCode === YOKOHAMA && r.status === 'active')!;
      const other = con.center.demo.batch.residents!.find((r) => r.municipalityCode === YOKOHAMA && r.residentId !== resident.residentId)!;
      const storedResident = async () =>
        (
          await con.center.database.db
            .selectFrom('residents')
            .select('data')
            .where('resident_id', '=', resident.residentId)
            .executeTakeFirst()
        )?.data;
      const before = { ...(await stored()), resident: await storedResident() };
      const bad = await run({
        format: 'json',
        dryRun: true,
        batch: {
          residents: [
            { ...resident, birthDate: '2001-02-30' },
            { ...other, myNumber: '123' },
          ],
        },
      });
      expect(bad).toMatchObject({ ok: false, dryRun: true });
      expect(bad.issues.map((i) => i.path)).toEqual(['residents[0].birthDate', 'residents[1].myNumber']);

      const changed = { ...resident, notifiedOn: '2026-11-20' };
      const dry = await run({ format: 'json', dryRun: true, batch: { residents: [changed] } });
      expect(dry).toMatchObject({ ok: true, dryRun: true, counts: { residents: 1 }, issues: [] });
      expect({ ...(await stored()), resident: await storedResident() }).toEqual(before);

      const applied = await run({ format: 'json', dryRun: false, batch: { residents: [changed] } });
      expect(applied).toMatchObject({ ok: true, dryRun: false, counts: { residents: 1 } });
      expect(JSON.parse((await storedResident())!)).toMatchObject({ notifiedOn: '2026-11-20' });
      const list = (await admin.call('imports', { params: { municipalityCode: YOKOHAMA } })).body as { imports: { importId: string }[] };
      expect(list.imports.slice(0, 3).map((i) => i.importId)).toEqual([applied.importId, dry.importId, bad.importId]);
    });

    it('an API token imports only its municipality’s records, and its runs are recorded under its id', async () => {
      const created = await admin.call('createApiToken', { params: { municipalityCode: YOKOHAMA }, body: { label: 'nightly' } });
      const { token, summary } = created.body as { token: string; summary: { tokenId: string } };
      const post = (batch: unknown) =>
        consoleRequest(con.center, 'POST', '/admin/municipal-data', { body: batch, headers: { authorization: `Bearer ${token}` } });
      const before = await stored();
      const other = con.center.demo.batch.municipalities!.find((x) => x.code !== YOKOHAMA)!;
      const refused = await post({ municipalities: [{ ...other, population: 1 }] });
      expect([refused.status, (refused.body as { error: { code: string } }).error.code]).toEqual([422, 'IMPORT_INVALID']);
      expect(await stored()).toEqual(before);
      const own = con.center.demo.batch.municipalities!.find((x) => x.code === YOKOHAMA)!;
      expect((await post({ municipalities: [{ ...own, population: 654321 }] })).status).toBe(200);
      const runs = await con.center.database.db.selectFrom('import_history').selectAll().where('token_id', '=', summary.tokenId).execute();
      expect(runs.map((r) => Number(r.ok)).sort()).toEqual([0, 1]);
    });

    it('imports with the deprecated shared token are in the import history of each municipality they name', async () => {
      const legacy = (path: string, body: unknown) =>
        consoleRequest(con.center, 'POST', path, { body, headers: { authorization: `Bearer ${LEGACY_TOKEN}` } });
      const legacyRuns = async (code: string) => {
        const list = await admin.call('imports', { params: { municipalityCode: code } });
        return (list.body as { imports: { importId: string; staffId: string | null; tokenId: string | null }[] }).imports.filter(
          (i) => i.tokenId === 'legacy',
        );
      };
      // 千代田区's runs as its console lists them (importHistory), read here without another sign-in.
      const chiyodaRuns = () =>
        con.center.database.db.selectFrom('import_history').selectAll().where('municipality_code', '=', CHIYODA).execute();
      const [yokohama, chiyoda] = [YOKOHAMA, CHIYODA].map((code) => con.center.demo.batch.municipalities!.find((m) => m.code === code)!);

      // Both municipalities in one batch, applied: one run each, and each in the hash-chained history.
      const applied = await legacy('/admin/municipal-data', {
        municipalities: [
          { ...yokohama!, population: 1111 },
          { ...chiyoda!, population: 2222 },
        ],
      });
      expect(applied.status).toBe(200);
      const [yokohamaRun] = await legacyRuns(YOKOHAMA);
      expect(yokohamaRun).toMatchObject({ staffId: null, tokenId: 'legacy', dryRun: false, ok: true, total: 2 });
      expect((await chiyodaRuns()).map((r) => [r.staff_id, r.token_id, Number(r.dry_run), Number(r.ok), Number(r.total)])).toEqual([
        [null, 'legacy', 0, 1, 2],
      ]);
      const history = await con.center.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('event', '=', 'municipal_data_imported')
        .orderBy('seq', 'desc')
        .limit(2)
        .execute();
      expect(history.map((h) => [h.municipality_code, JSON.parse(h.detail_json!).tokenId]).sort()).toEqual([
        [CHIYODA, 'legacy'],
        [YOKOHAMA, 'legacy'],
      ]);
      expect(JSON.parse(history.find((h) => h.municipality_code === YOKOHAMA)!.detail_json!)).toMatchObject({
        importId: yokohamaRun!.importId,
      });

      // A dry run (CSV), and a batch refused before it validates: recorded under the municipality they name, Yokohama only.
      const before = await stored();
      const dry = await legacy('/admin/municipal-data/csv?dryRun=true', { files: csv([row(3333)]) });
      expect(dry.status).toBe(200);
      const refused = await legacy('/admin/municipal-data', { municipalities: [{ ...yokohama!, population: -1 }] });
      expect(refused.status).toBe(422);
      expect(await stored()).toEqual(before);
      const runs = await legacyRuns(YOKOHAMA);
      expect(runs.slice(0, 2)).toMatchObject([
        { dryRun: false, ok: false, issueCount: 1 },
        { format: 'csv', dryRun: true, ok: true, total: 1 },
      ]);
      expect(await chiyodaRuns()).toHaveLength(1);
    });
  });
});
