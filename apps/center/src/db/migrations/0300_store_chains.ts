/**
 * Store chains (コンビニ事業者): the store commission is paid per chain, and the issuance log, the
 * fleet and the statistics filter by chain. A kiosk belongs to one chain; kiosks enrolled before
 * this migration have none until they are enrolled again (the fleet page shows them as such).
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('store_chains')
    .addColumn('chain_code', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('kiosks').addColumn('chain_code', 'varchar(40)').execute();
  await db.schema.createIndex('kiosks_chain_store').on('kiosks').columns(['chain_code', 'store_code']).execute();
}

export const storeChains: Migration = { id: '0300_store_chains', up };
