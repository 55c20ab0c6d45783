/** Kiosk heartbeats (issue 12 item 3). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(_db: Kysely<unknown>, _kind: 'sqlite' | 'postgres'): Promise<void> {}

export const fleet: Migration = { id: '0302_fleet', up };
