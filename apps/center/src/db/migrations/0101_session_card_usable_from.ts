/** Sessions remember the card link's first usable day, so quotes apply the "usable from tomorrow" rule. */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('card_usable_from', 'varchar(10)').execute();
}

export const sessionCardUsableFrom: Migration = { id: '0101_session_card_usable_from', up };
