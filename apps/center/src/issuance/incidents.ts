/**
 * Incidents: what an operator must look at. A refund the kiosk never reported, a document the
 * kiosk refused to print, a retried call that succeeded after an error (docs/misissuance.md#r3;
 * docs/misissuance.md#adachi: an error followed by a "successful" retry hid a misissuance).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { canonicalJson } from './canonical-json.js';

export type IncidentKind =
  | 'print_result_missing'
  | 'document_rejected'
  | 'print_failed'
  | 'render_failed'
  | 'delivery_replayed'
  | 'success_after_failure'
  | 'reconciliation_mismatch'
  /** A kiosk sent no heartbeat for more than 5 minutes during service hours (kiosks/, issue 12). */
  | 'kiosk_silent';

export interface Incident {
  incidentId: string;
  kind: IncidentKind;
  issuanceId: string | null;
  terminalId: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
  resolvedAt: string | null;
}

export async function recordIncident(
  db: Transaction<Database> | Kysely<Database>,
  incident: { kind: IncidentKind; issuanceId?: string; terminalId?: string; detail: Record<string, unknown> },
  now: Date,
): Promise<void> {
  await db
    .insertInto('incidents')
    .values({
      incident_id: randomUUID(),
      kind: incident.kind,
      issuance_id: incident.issuanceId ?? null,
      terminal_id: incident.terminalId ?? null,
      detail: canonicalJson(incident.detail),
      created_at: now.toISOString(),
      resolved_at: null,
    })
    .execute();
}

export async function listIncidents(db: Kysely<Database>, options: { includeResolved?: boolean } = {}): Promise<Incident[]> {
  let query = db.selectFrom('incidents').selectAll().orderBy('created_at');
  if (!options.includeResolved) query = query.where('resolved_at', 'is', null);
  const rows = await query.execute();
  return rows.map((r) => ({
    incidentId: r.incident_id,
    kind: r.kind as IncidentKind,
    issuanceId: r.issuance_id,
    terminalId: r.terminal_id,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  }));
}

export async function resolveIncident(db: Kysely<Database>, incidentId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('incidents')
    .set({ resolved_at: now.toISOString() })
    .where('incident_id', '=', incidentId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
