/**
 * A pending idempotency row names the call that runs it (`owner`, a random id per call) and how long
 * that call's claim lasts unless renewed (`lease_expires_at`, wall-clock ISO-8601 UTC). A settlement
 * retried after its center died takes the row over once the lease has run out
 * (issuance/idempotency.ts). Rows written before this migration have neither and are never taken over.
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('owner', 'varchar(36)').execute();
  await db.schema.alterTable('idempotency_keys').addColumn('lease_expires_at', 'varchar(40)').execute();
}

export const idempotencyLease: Migration = { id: '0306_idempotency_lease', up };
