/**
 * The issuance log (issue 12 item 1) over the real console API, on SQLite and PostgreSQL: real
 * kiosks issue, print, fail and refund on two days, then staff search (every filter, keyset pages,
 * municipal staff held to their own municipality), read a timeline, reveal personal data (with a
 * reason, written to the hash-chained history, never logged) and export CSV (formula-safe, written
 * to the history). One center per database, one sign-in per role.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuanceLogRow, IssuanceTimeline, RevealedPersonalData } from '@madoguchi/shared';
import { verifyAuditChain, type CenterDatabase } from '@madoguchi/center';
import { issuanceLogProgram, runProgram } from '@madoguchi/center/cli';
import { forEachDatabase } from '../support/databases.js';
import { ok, type TestCard, type TestKiosk } from './support/center-harness.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';

/** A store name that a spreadsheet would run as a formula if exported as it is. */
const HOSTILE_STORE = '=HYPERLINK("http://evil.example/?x","開く")';
const DAY_TWO = new Date('2026-11-25T00:00:00Z'); // Wednesday 09:00 in Japan

type Page = { rows: IssuanceLogRow[]; nextCursor: string | null };
const codeOf = (body: unknown) => (body as { error?: { code?: string } }).error?.code;

/** Every write of the center's logger (pino, level trace) while `fn` runs, instead of stdout. */
async function centerLogDuring(con: ConsoleCenter, fn: () => Promise<void>): Promise<string> {
  // The center writes its log with pino to fd 1; its stream hangs on the logger under a symbol.
  const logger = con.center.app.log as unknown as Record<symbol, { write(chunk: string): boolean }> & { level: string };
  let holder: object | null = logger;
  let symbol: symbol | undefined;
  while (holder && !symbol) {
    symbol = Object.getOwnPropertySymbols(holder).find((s) => s.description === 'pino.stream');
    holder = Object.getPrototypeOf(holder) as object | null;
  }
  const stream = logger[symbol!]!;
  const write = stream.write;
  const level = logger.level;
  const lines: string[] = [];
  stream.write = (chunk: string) => (lines.push(chunk), true);
  logger.level = 'trace';
  try {
    await fn();
  } finally {
    stream.write = write;
    logger.level = level;
  }
  return lines.join('');
}

forEachDatabase((databases) => {
  describe('issuance log', () => {
    let database: CenterDatabase;
    let con: ConsoleCenter;
    let operator: ConsoleClient;
    let auditor: ConsoleClient;
    let clerk: ConsoleClient;
    let own: string;
    let other: string;
    let kioskA: TestKiosk;
    let kioskB: TestKiosk;
    const ids = { printed: '', refunded: '', quotedOther: '', dayTwo: [] as string[] };
    let printedIssueNumber = '';
    let ownResident: { family: string; given: string; address: string };

    async function issue(kiosk: TestKiosk, card: TestCard, end: 'printed' | 'failed' | 'quoted', copies = 1) {
      const { center } = con;
      const sessionId = ok(await center.authenticate(kiosk, card)).sessionId;
      const quote = ok(await center.quote(kiosk, sessionId, { copies }));
      if (end === 'quoted') return { issuanceId: quote.issuanceId, issueNumbers: [] as string[] };
      const delivered = ok(await center.pay(kiosk, quote));
      const issueNumbers = delivered.documents.map((d) => d.binding.issueNumber);
      for (const issueNumber of issueNumbers) ok(await center.reportPrint(kiosk, quote.issuanceId, { issueNumber, outcome: end }));
      return { issuanceId: quote.issuanceId, issueNumbers };
    }

    beforeAll(async () => {
      database = await databases.fresh();
      con = await startConsoleCenter(database, { build: { sweeper: false } });
      const { center } = con;
      const { featured, batch } = center.demo;
      own = '131016';
      other = '141003';
      const resident = batch.residents.find((r) => r.residentId === featured.chiyodaResident)!;
      const household = batch.households.find((h) => h.householdId === resident.householdId)!;
      ownResident = { family: resident.name.family, given: resident.name.given, address: household.address };
      kioskA = await center.enrollKiosk(undefined, { storeCode: 'STORE-A', storeName: HOSTILE_STORE });
      kioskB = await center.enrollKiosk(undefined, { storeCode: 'STORE-B', storeName: 'ファミリー店' });
      // Chains are the fleet's to assign; the log only reads kiosks.chain_code.
      for (const [kiosk, chain] of [
        [kioskA, 'CHAIN-A'],
        [kioskB, 'CHAIN-B'],
      ] as const)
        await center.database.db.updateTable('kiosks').set({ chain_code: chain }).where('terminal_id', '=', kiosk.terminalId).execute();
      const [ownCard, otherCard] = await Promise.all([center.issueCard(featured.chiyodaResident), center.issueCard(featured.ordinary)]);

      const printed = await issue(kioskA, ownCard, 'printed', 2);
      ids.printed = printed.issuanceId;
      printedIssueNumber = printed.issueNumbers[1]!;
      center.clock.advance(60_000);
      ids.refunded = (await issue(kioskB, ownCard, 'failed')).issuanceId;
      center.clock.advance(60_000);
      ids.quotedOther = (await issue(kioskB, otherCard, 'quoted')).issuanceId;
      center.clock.set(DAY_TWO);
      for (let i = 0; i < 3; i++) {
        center.clock.advance(60_000);
        ids.dayTwo.push((await issue(kioskA, ownCard, 'quoted')).issuanceId);
      }
      const [op, au, cl] = await Promise.all([
        con.createStaffAccount({ role: 'operator' }),
        con.createStaffAccount({ role: 'auditor' }),
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: own }),
      ]);
      [operator, auditor, clerk] = await Promise.all([con.signIn(op), con.signIn(au), con.signIn(cl)]);
    }, 120_000);
    afterAll(() => con?.close());

    const search = async (client: ConsoleClient, query: Record<string, unknown>) => {
      const res = await client.call('searchIssuances', { query: query as never });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Page;
    };
    const idsOf = (page: Page) => page.rows.map((r) => r.issuanceId);
    const history = (event: string) =>
      con.center.database.db.selectFrom('audit_events').selectAll().where('event', '=', event).orderBy('seq').execute();

    it('finds every issuance newest first, with ids, codes, amounts, store and kiosk, and never a name or an address', async () => {
      const page = await search(operator, {});
      expect(idsOf(page)).toEqual([...[...ids.dayTwo].reverse(), ids.quotedOther, ids.refunded, ids.printed]);
      const printed = page.rows.find((r) => r.issuanceId === ids.printed)!;
      expect(printed).toMatchObject({
        municipalityCode: own,
        certificateType: 'residenceRecord',
        state: 'printed',
        copies: 2,
        terminalId: kioskA.terminalId,
        storeCode: 'STORE-A',
        storeName: HOSTILE_STORE,
        chainCode: 'CHAIN-A',
        refundYen: 0,
      });
      expect(printed.issueNumbers).toHaveLength(2);
      expect(printed.pageCount).toBeGreaterThanOrEqual(2);
      expect(printed.paidYen).toBe(printed.totalYen);
      const refunded = page.rows.find((r) => r.issuanceId === ids.refunded)!;
      expect(refunded).toMatchObject({ state: 'refunded', storeCode: 'STORE-B' });
      expect(refunded.refundYen).toBe(refunded.totalYen);
      const text = JSON.stringify(page);
      for (const personal of [ownResident.family + ownResident.given, ownResident.address]) expect(text).not.toContain(personal);
    });

    it('filters by period (Japan dates and instants), municipality, chain, store, kiosk, type, state, issue number and id', async () => {
      const dayOne = [ids.quotedOther, ids.refunded, ids.printed];
      expect(idsOf(await search(operator, { to: '2026-11-24' }))).toEqual(dayOne);
      expect(idsOf(await search(operator, { from: '2026-11-25', to: '2026-11-25' }))).toEqual([...ids.dayTwo].reverse());
      expect(idsOf(await search(operator, { from: '2026-11-25T00:01:30+00:00', to: '2026-11-25T09:03:00+09:00' }))).toEqual([
        ids.dayTwo[1],
      ]);
      expect(idsOf(await search(operator, { municipalityCode: other }))).toEqual([ids.quotedOther]);
      expect(idsOf(await search(operator, { chainCode: 'CHAIN-B' }))).toEqual([ids.quotedOther, ids.refunded]);
      expect(idsOf(await search(operator, { storeCode: 'STORE-A', to: '2026-11-24' }))).toEqual([ids.printed]);
      expect(idsOf(await search(operator, { terminalId: kioskB.terminalId, municipalityCode: own }))).toEqual([ids.refunded]);
      expect(idsOf(await search(operator, { certificateType: 'familyRegisterFull' }))).toEqual([]);
      expect(idsOf(await search(operator, { certificateType: 'residenceRecord', state: 'refunded' }))).toEqual([ids.refunded]);
      expect(idsOf(await search(operator, { issueNumber: printedIssueNumber }))).toEqual([ids.printed]);
      expect(idsOf(await search(operator, { issuanceId: ids.refunded }))).toEqual([ids.refunded]);
      const backwards = await operator.call('searchIssuances', { query: { from: '2026-11-25', to: '2026-11-24' } });
      expect([backwards.status, codeOf(backwards.body)]).toEqual([400, 'INPUT_INVALID']);
    });

    it('pages by an opaque keyset cursor: every row once, in order, and a forged cursor is refused', async () => {
      const all = idsOf(await search(operator, { limit: 200 }));
      const walked: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page: Page = await search(operator, { limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.rows.length).toBeLessThanOrEqual(2);
        walked.push(...idsOf(page));
        cursor = page.nextCursor;
      } while (cursor);
      expect(walked).toEqual(all);
      for (const forged of ['bm90LWEtY3Vyc29y', Buffer.from('["yesterday","x"]').toString('base64url')]) {
        const res = await operator.call('searchIssuances', { query: { cursor: forged } });
        expect([res.status, codeOf(res.body)]).toEqual([400, 'INPUT_INVALID']);
      }
      const tooMany = await operator.call('searchIssuances', { query: { limit: 201 } });
      expect(tooMany.status).toBe(400);
    });

    it('holds municipal staff to their own municipality: other rows never, another municipality named is 403', async () => {
      const page = await search(clerk, {});
      expect(page.rows.length).toBe(5);
      expect(page.rows.every((r) => r.municipalityCode === own)).toBe(true);
      expect(idsOf(await search(clerk, { municipalityCode: own, chainCode: 'CHAIN-B' }))).toEqual([ids.refunded]);
      expect(idsOf(await search(clerk, { issuanceId: ids.quotedOther }))).toEqual([]);
      const refused = await clerk.call('searchIssuances', { query: { municipalityCode: other } });
      expect([refused.status, codeOf(refused.body)]).toEqual([403, 'FORBIDDEN']);
      const exportRefused = await clerk.call('exportIssuances', { query: { municipalityCode: other } });
      expect([exportRefused.status, codeOf(exportRefused.body)]).toEqual([403, 'FORBIDDEN']);
    });

    it('shows one issuance’s timeline in time order: state changes, payment, delivery, print results, refund, incident', async () => {
      const res = await auditor.call('issuanceTimeline', { params: { issuanceId: ids.printed } });
      expect(res.status).toBe(200);
      const printed = res.body as IssuanceTimeline;
      expect(printed.issuance.issuanceId).toBe(ids.printed);
      expect(printed.documents.map((d) => d.printOutcome)).toEqual(['printed', 'printed']);
      const events = printed.entries.map((e) => `${e.source}:${e.event}`);
      for (const step of ['history:quoted', 'history:paid', 'history:delivered', 'history:printed', 'document:print_reported'])
        expect(events).toContain(step);
      expect(events.indexOf('history:quoted')).toBeLessThan(events.indexOf('history:paid'));
      expect(events.indexOf('history:paid')).toBeLessThan(events.indexOf('history:delivered'));
      const times = printed.entries.map((e) => e.at);
      expect(times).toEqual([...times].sort());

      const refunded = (await clerk.call('issuanceTimeline', { params: { issuanceId: ids.refunded } })).body as IssuanceTimeline;
      const refundEvents = refunded.entries.map((e) => `${e.source}:${e.event}`);
      expect(refundEvents).toContain('history:refunded');
      expect(refundEvents.some((e) => e.startsWith('incident:'))).toBe(true);
      expect(refundEvents.indexOf('history:paid')).toBeLessThan(refundEvents.indexOf('history:refunded'));
      // The billing ledger's fee and refund entries of the issuance, to the yen.
      const ledger = refunded.entries.filter((e) => e.source === 'billing');
      expect(ledger.map((e) => [e.event, e.detail.amountYen])).toEqual([
        ['fee', refunded.issuance.totalYen],
        ['refund', -refunded.issuance.refundYen],
      ]);
      expect(JSON.stringify(refunded)).not.toContain(ownResident.family + ownResident.given);
    });

    it('finds no timeline of another municipality’s issuance for municipal staff, nor of an unknown id', async () => {
      for (const issuanceId of [ids.quotedOther, '00000000-0000-4000-8000-000000000000']) {
        const res = await clerk.call('issuanceTimeline', { params: { issuanceId } });
        expect([res.status, codeOf(res.body)]).toEqual([404, 'NOT_FOUND']);
      }
      expect((await operator.call('issuanceTimeline', { params: { issuanceId: ids.quotedOther } })).status).toBe(200);
    });

    it('reveals the name and address only with a reason, to roles that may, writing the history and no log line with them', async () => {
      const before = (await history('personal_data_revealed')).length;
      const auditorTry = await auditor.call('revealPersonalData', { params: { issuanceId: ids.printed }, body: { reason: '監査' } });
      expect([auditorTry.status, codeOf(auditorTry.body)]).toEqual([403, 'FORBIDDEN']);
      for (const body of [{}, { reason: '   ' }, { reason: '住民から\n問い合わせ' }]) {
        const res = await clerk.call('revealPersonalData', { params: { issuanceId: ids.printed }, body: body as never });
        expect([res.status, codeOf(res.body)], JSON.stringify(body)).toEqual([400, 'INPUT_INVALID']);
      }
      const otherTry = await clerk.call('revealPersonalData', { params: { issuanceId: ids.quotedOther }, body: { reason: '確認' } });
      expect([otherTry.status, codeOf(otherTry.body)]).toEqual([404, 'NOT_FOUND']);
      expect(await history('personal_data_revealed')).toHaveLength(before);

      let revealed: RevealedPersonalData | undefined;
      const log = await centerLogDuring(con, async () => {
        const res = await clerk.call('revealPersonalData', {
          params: { issuanceId: ids.printed },
          body: { reason: '本人からの問い合わせ' },
        });
        expect(res.status).toBe(200);
        revealed = res.body as RevealedPersonalData;
      });
      expect(revealed!.name).toMatchObject({ family: ownResident.family, given: ownResident.given });
      expect(revealed!.address).toBe(ownResident.address);
      const rows = await history('personal_data_revealed');
      expect(rows).toHaveLength(before + 1);
      const row = rows.at(-1)!;
      expect(row).toMatchObject({ issuance_id: ids.printed, municipality_code: own });
      expect(JSON.parse(row.detail_json!)).toEqual({ staffId: clerk.me!.staffId, reason: '本人からの問い合わせ', issuanceId: ids.printed });
      expect(JSON.stringify(row)).not.toContain(ownResident.family);
      expect((await verifyAuditChain(con.center.database.db)).ok).toBe(true);
      // The capture is live (the reveal's own line is in it), and holds no name, address or reason.
      expect(log).toContain('personal data revealed');
      for (const secret of [ownResident.family, ownResident.given, ownResident.address, '本人からの問い合わせ'])
        expect(log).not.toContain(secret);
    });

    it('exports a whole search as CSV, defusing formulas, and writes the export to the history', async () => {
      const before = (await history('issuance_log_exported')).length;
      const res = await operator.raw('GET', '/console/api/v1/issuances/export?municipalityCode=131016&to=2026-11-25');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="issuances-131016-2026-11-25-\d{8}T\d{6}Z\.csv"$/);
      const csv = res.body as string;
      const lines = csv.split('\r\n').filter(Boolean);
      expect(lines[0]).toMatch(/^\uFEFFissuance_id,created_at_jst,/);
      expect(lines).toHaveLength(1 + 5);
      const printedLine = lines.find((l) => l.startsWith(ids.printed))!;
      expect(printedLine).toContain(`,"'=HYPERLINK(""http://evil.example/?x"",""開く"")",`);
      expect(csv).not.toMatch(/(^|,)"?=/m);
      expect(csv).not.toContain(ownResident.family + ownResident.given);

      const rows = await history('issuance_log_exported');
      expect(rows).toHaveLength(before + 1);
      expect(JSON.parse(rows.at(-1)!.detail_json!)).toEqual({
        staffId: operator.me!.staffId,
        via: 'console',
        filters: { municipalityCode: own, to: '2026-11-25' },
        rowCount: 5,
      });
      expect((await verifyAuditChain(con.center.database.db)).ok).toBe(true);
    });

    it('exports from the CLI too: the same filters, checked first, a new file only, recorded in the history', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'madoguchi-issuance-export-'));
      const config = databases.configOf(database);
      const target = config.kind === 'sqlite' ? config.path : config.connectionString;
      const cli = async (args: string[]) => {
        const io = { out: '', err: '', code: 0 };
        await runProgram(issuanceLogProgram, ['--database', target, 'export', ...args], {
          out: (t) => void (io.out += t),
          err: (t) => void (io.err += t),
          setExitCode: (c) => void (io.code = c),
        });
        return io;
      };
      try {
        const before = (await history('issuance_log_exported')).length;
        const out = join(dir, 'chiyoda.csv');
        const done = await cli(['--municipality', own, '--to', '2026-11-25', '--out', out]);
        expect(done, done.err).toMatchObject({ code: 0, out: `wrote 5 issuance(s) to ${out}\n` });
        const lines = readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
        expect(lines).toHaveLength(6);
        expect(lines.find((l) => l.startsWith(ids.printed))).toContain(`"'=HYPERLINK(`);
        const rows = await history('issuance_log_exported');
        expect(rows).toHaveLength(before + 1);
        expect(JSON.parse(rows.at(-1)!.detail_json!)).toMatchObject({ staffId: null, via: 'cli', rowCount: 5 });

        const bad = await cli(['--municipality', '13101', '--type', 'passport', '--out', join(dir, 'bad.csv')]);
        expect(bad.code).toBe(2);
        expect(bad.err).toContain('INPUT_INVALID');
        expect(bad.err).toMatch(/--municipality: /);
        expect(bad.err).toMatch(/--type: /);
        expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
        writeFileSync(join(dir, 'kept.csv'), 'kept');
        expect((await cli(['--out', join(dir, 'kept.csv')])).code).toBe(2);
        expect(readFileSync(join(dir, 'kept.csv'), 'utf8')).toBe('kept');
        expect(await history('issuance_log_exported')).toHaveLength(before + 1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
