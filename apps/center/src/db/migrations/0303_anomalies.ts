/** Incident triage and the signed daily heads of the audit chain (issue 12 item 2). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(_db: Kysely<unknown>, _kind: 'sqlite' | 'postgres'): Promise<void> {}

export const anomalies: Migration = { id: '0303_anomalies', up };
