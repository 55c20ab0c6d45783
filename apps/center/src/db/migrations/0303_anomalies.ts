/**
 * Incident triage and the signed daily heads of the audit chain (issue 12 item 2).
 *
 * Incidents gain who acknowledged and resolved them and the notes (kept here, not in the chain:
 * a note is staff's own words, the chain keeps ids and codes). Refunds become incidents of kind
 * `refunded` from now on (issuance-service.ts records one with every refund); the refunds made
 * before this migration are back-filled so that the list shows every refund there ever was.
 *
 * chain_heads holds every signed head: one per JST day from the center's timer, plus those signed
 * on demand by the CLI; a seq is signed once.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  for (const [column, type] of [
    ['acknowledged_at', 'varchar(40)'],
    ['acknowledged_by', 'varchar(60)'],
    ['acknowledgement_note', 'text'],
    ['resolved_by', 'varchar(60)'],
    ['resolution_note', 'text'],
  ] as const) {
    await s.alterTable('incidents').addColumn(column, type).execute();
  }
  // The list's order (newest first, keyset on created_at + id) and its commonest filter.
  await s.createIndex('incidents_created').on('incidents').columns(['created_at', 'incident_id']).execute();
  await s.createIndex('incidents_kind_created').on('incidents').columns(['kind', 'created_at']).execute();
  await s.createIndex('incidents_issuance').on('incidents').column('issuance_id').execute();

  await s
    .createTable('chain_heads')
    .addColumn('head_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull().unique())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('signed_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('key_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('chain_heads_day').on('chain_heads').column('day').execute();

  await backfillRefunds(db as Kysely<BackfillTables>);
}

interface BackfillTables {
  issuances: {
    issuance_id: string;
    terminal_id: string;
    state: string;
    failure_code: string | null;
    refund_yen: number | null;
    updated_at: string;
  };
  incidents: {
    incident_id: string;
    kind: string;
    issuance_id: string | null;
    terminal_id: string | null;
    detail: string;
    created_at: string;
    resolved_at: string | null;
  };
}

async function backfillRefunds(db: Kysely<BackfillTables>): Promise<void> {
  const refunded = await db
    .selectFrom('issuances')
    .select(['issuance_id', 'terminal_id', 'failure_code', 'refund_yen', 'updated_at'])
    .where('state', '=', 'refunded')
    .execute();
  for (let i = 0; i < refunded.length; i += 500) {
    const rows = refunded.slice(i, i + 500).map((r) => ({
      incident_id: randomUUID(),
      kind: 'refunded',
      issuance_id: r.issuance_id,
      terminal_id: r.terminal_id,
      // The same detail refund() records, in canonical key order.
      detail: JSON.stringify({ failureCode: r.failure_code, refundYen: Number(r.refund_yen ?? 0) }),
      created_at: r.updated_at,
      resolved_at: null,
    }));
    await db.insertInto('incidents').values(rows).execute();
  }
}

export const anomalies: Migration = { id: '0303_anomalies', up };
