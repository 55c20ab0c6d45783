import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '@madoguchi/center';
import { migrations } from '@madoguchi/center/db';
import { policyIn } from '@madoguchi/center/policy';
import { demoPolicies } from '@madoguchi/shared/demo-data';
import { createHarness, forEachDatabase } from '../support/databases.js';

forEachDatabase((harness) => {
  describe('migrations', () => {
    it('migrates a fresh database to the newest migration, and a second run applies nothing', async () => {
      const database = await harness.fresh({ migrate: false });
      const first = await migrate(database);
      expect(first.applied).toEqual(migrations.map((m) => m.id));
      expect(first.current).toBe(migrations.at(-1)?.id);
      const second = await migrate(database);
      expect(second.applied).toEqual([]);
      // The tables exist and are usable.
      const count = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    });

    it('refuses a database that has applied a migration this program does not know (DATABASE_TOO_NEW)', async () => {
      const database = await harness.fresh();
      await sql`insert into schema_migrations (id, applied_at) values ('9999_from_the_future', 'x')`.execute(database.db);
      await expect(migrate(database)).rejects.toMatchObject({ code: 'DATABASE_TOO_NEW' });
    });

    it('0308 on a database with policies: a revision for each, the text untouched, and a new one at every later write', async () => {
      const database = await harness.fresh({ migrate: false });
      await migrate(
        database,
        migrations.filter((m) => m.id < '0308'),
      );
      const texts = new Map(demoPolicies().map((p) => [p.municipalityCode, JSON.stringify(p)]));
      expect(texts.size).toBeGreaterThan(1);
      for (const [code, data] of texts) {
        await sql`insert into municipality_policies (municipality_code, data, updated_at) values (${code}, ${data}, 'x')`.execute(
          database.db,
        );
      }
      expect((await migrate(database)).applied).toEqual(['0308_policy_revision']);
      const stored = async () =>
        (
          await sql<{ municipality_code: string; data: string; revision: number }>`select municipality_code, data, revision
          from municipality_policies order by municipality_code`.execute(database.db)
        ).rows.map((r) => ({ ...r, revision: Number(r.revision) }));
      const rows = await stored();
      expect(new Map(rows.map((r) => [r.municipality_code, r.data]))).toEqual(texts);
      for (const r of rows) expect(Number.isSafeInteger(r.revision) && r.revision !== 0).toBe(true);
      expect(new Set(rows.map((r) => r.revision)).size).toBe(rows.length);
      const [code, data] = [...texts][0]!;
      expect((await policyIn(database.db, code))?.municipalityCode).toBe(code);
      // A write by hand after the migration: a new revision, and the next read answers the new text.
      const changed = JSON.parse(data) as { offerings: { fees: { feeYen: number }[] }[] };
      changed.offerings[0]!.fees[0]!.feeYen = 999;
      await sql`update municipality_policies set data = ${JSON.stringify(changed)} where municipality_code = ${code}`.execute(database.db);
      const after = (await stored()).find((r) => r.municipality_code === code)!;
      expect(after.revision).not.toBe(rows.find((r) => r.municipality_code === code)!.revision);
      expect((await policyIn(database.db, code))?.offerings[0]?.fees[0]?.feeYen).toBe(999);
    });

    // Two handles on one SQLite file in one process would block the thread in busy_timeout (the
    // driver is synchronous); separate center processes are the real case there.
    if (harness.kind === 'postgres')
      it('two handles migrating at once apply each migration exactly once', async () => {
        const a = await harness.fresh({ migrate: false });
        const b = await harness.openAnother(a);
        const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
        expect([...ra.applied, ...rb.applied].sort()).toEqual(migrations.map((m) => m.id).sort());
      });
  });
});

describe('sqlite query plans', () => {
  const harness = createHarness('sqlite');
  afterAll(() => harness.dispose());
  const plan = async (query: string) => {
    const database = await harness.fresh();
    const rows = await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(database.db);
    return rows.rows.map((r) => r.detail).join('\n');
  };
  it('the card-link lookup uses the primary-key index', async () => {
    expect(await plan(`select resident_id from card_links where issuer = 'x' and serial_number = 'y'`)).toMatch(
      /USING (INDEX|PRIMARY KEY)/,
    );
  });
  it('the resident lookup uses the primary-key index', async () => {
    expect(await plan(`select data from residents where resident_id = 'x'`)).toMatch(/USING (INDEX|PRIMARY KEY)/);
  });
  it('household members are found by index', async () => {
    expect(await plan(`select data from residents where household_id = 'h'`)).toMatch(/USING INDEX residents_household/);
  });
  it('a resident’s family register and seal registrations are found by index', async () => {
    expect(await plan(`select register_id from family_register_persons where resident_id = 'r'`)).toMatch(
      /USING INDEX family_register_persons_resident/,
    );
    expect(await plan(`select data from seal_registrations where resident_id = 'r' and status = 'active'`)).toMatch(
      /USING INDEX seal_registrations_resident/,
    );
  });
  // Migration 0307: the sweeper's reads of the documents still holding a PDF and of the idempotency keys past their TTL
  // find their rows by index instead of reading every document and every key.
  it('the documents past their TTL that still hold a PDF: by the partial index, not a scan of every document', async () => {
    // The sweeper's statement (issuance/sweeper.ts deleteExpiredDocuments) as Kysely compiles it.
    const detail = await plan(
      `select "d"."issue_number", "i"."issuance_id" from "issuance_documents" as "d" ` +
        `inner join "issuances" as "i" on "i"."issuance_id" = "d"."issuance_id" ` +
        `where "d"."pdf_base64" is not null and "i"."updated_at" < '2026-11-24T00:00:00.000Z' ` +
        `order by "i"."issuance_id", "d"."copy_index"`,
    );
    // Reading the partial index whole is reading the held documents only.
    expect(detail).toMatch(/(SCAN|SEARCH) d USING INDEX issuance_documents_pdf_held/);
    expect(detail).not.toMatch(/^SCAN d$/m);
  });

  it('the idempotency keys past their TTL: by index, not a scan of every key', async () => {
    const detail = await plan(`delete from "idempotency_keys" where "created_at" < '2026-11-24T00:00:00.000Z'`);
    expect(detail).toMatch(/USING (COVERING )?INDEX idempotency_keys_created/);
  });
});
