/**
 * Migration 0307: the sweeper's reads of the documents still holding a PDF and of the idempotency keys past their TTL
 * find their rows by index instead of reading every document and every key (SQLite plans; the same indexes exist on
 * PostgreSQL, where the migration runs in migrations.test.ts).
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from '../support/databases.js';

describe('migration 0307: the sweeper reads by index', () => {
  const harness = createHarness('sqlite');
  afterAll(() => harness.dispose());
  const plan = async (query: string) => {
    const database = await harness.fresh();
    const rows = await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(database.db);
    return rows.rows.map((r) => r.detail).join('\n');
  };

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
