/** What the statistics need that the issuance history does not hold (issue 12 item 5). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(_db: Kysely<unknown>, _kind: 'sqlite' | 'postgres'): Promise<void> {}

export const statistics: Migration = { id: '0305_statistics', up };
