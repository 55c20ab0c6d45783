/**
 * Kiosk heartbeats (issue 12 item 3): the latest one per kiosk, which is all the fleet page and the
 * silent-kiosk check read. `silent_reported_at` is when the `kiosk_silent` incident was raised for the
 * current silence, so the sweeper raises one per silence, not one per sweep; the next heartbeat
 * clears it.
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>, _kind: 'sqlite' | 'postgres'): Promise<void> {
  await db.schema
    .createTable('kiosk_heartbeats')
    .addColumn('terminal_id', 'varchar(40)', (c) => c.primaryKey().references('kiosks.terminal_id'))
    .addColumn('heartbeat_key', 'varchar(36)', (c) => c.notNull())
    .addColumn('received_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('kiosk_clock_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('software_version', 'varchar(40)', (c) => c.notNull())
    .addColumn('reader_state', 'varchar(20)', (c) => c.notNull())
    .addColumn('printer_state', 'varchar(20)', (c) => c.notNull())
    .addColumn('cash_state', 'varchar(20)', (c) => c.notNull())
    .addColumn('last_issuance_at', 'varchar(40)')
    .addColumn('silent_reported_at', 'varchar(40)')
    .execute();
  await db.schema.createIndex('kiosk_heartbeats_received').on('kiosk_heartbeats').column('received_at').execute();
}

export const fleet: Migration = { id: '0302_fleet', up };
