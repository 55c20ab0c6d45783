/**
 * Indexes for the issuance log's searches (issue 12 item 1). The search reads newest first by
 * (created_at, issuance_id) with a keyset, so each index ends with those two columns: the database
 * walks it backwards from the cursor and stops after one page, whatever the table's size
 * (docs/benchmarks.md#issuance-log; test/center/issuance-log-plan.test.ts keeps the plans honest).
 *   - no filter (operators): created_at, issuance_id
 *   - a municipality (every municipal search): municipality_code, …
 *   - a municipality and a certificate type: municipality_code, certificate_type, …
 *   - a kiosk, or a store or chain (their kiosks' terminal ids): terminal_id, …
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createIndex('issuances_log_created').on('issuances').columns(['created_at', 'issuance_id']).execute();
  await s.createIndex('issuances_log_municipality').on('issuances').columns(['municipality_code', 'created_at', 'issuance_id']).execute();
  await s
    .createIndex('issuances_log_municipality_type')
    .on('issuances')
    .columns(['municipality_code', 'certificate_type', 'created_at', 'issuance_id'])
    .execute();
  await s.createIndex('issuances_log_terminal').on('issuances').columns(['terminal_id', 'created_at', 'issuance_id']).execute();
}

export const issuanceLog: Migration = { id: '0304_issuance_log', up };
