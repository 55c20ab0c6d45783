/**
 * 仮登録 kept beside the approved record: a provisional version of a resident or a family register
 * that already has an approved one is stored here, so the approved data is never overwritten by
 * data still being entered (docs/service-rules.md#provisional: certificates reflect the last
 * approved state).
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provisional_records')
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('record_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('provisional_records_pk', ['kind', 'record_key'])
    .execute();
}

export const provisionalRecords: Migration = { id: '0102_provisional_records', up };
