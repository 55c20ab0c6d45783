/** The reason a 本籍地 gives with its decision on a registration (a rejection's, shown to its staff). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('domicile_registrations').addColumn('decision_reason', 'text').execute();
}

export const domicileDecisionReason: Migration = { id: '0201_domicile_decision_reason', up };
