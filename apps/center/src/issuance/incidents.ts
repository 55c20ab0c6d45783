/**
 * Incidents: what an operator must look at. A refund the kiosk never reported, a document the
 * kiosk refused to print, a retried call that succeeded after an error (docs/misissuance.md#r3;
 * docs/misissuance.md#adachi: an error followed by a "successful" retry hid a misissuance), and
 * every refund (kind `refunded`, recorded by refund() in the same transaction as the refund).
 *
 * Triage is a compare-and-set on the row: open → acknowledged → resolved, or open → resolved; the
 * loser of two racing operators gets CONFLICT and changes nothing. Each step writes its history row
 * (ids and the kind only) in the same transaction; the notes stay in this table.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { MadoguchiError, type IncidentKind, type IncidentState, type IncidentView } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { IncidentsTable } from '../db/tables/issuance.js';
import { canonicalJson } from './canonical-json.js';

export type { IncidentKind } from '@madoguchi/shared';

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

export const incidentState = (row: Pick<IncidentsTable, 'acknowledged_at' | 'resolved_at'>): IncidentState =>
  row.resolved_at ? 'resolved' : row.acknowledged_at ? 'acknowledged' : 'open';

type IncidentRow = Selectable<IncidentsTable> & { municipality_code: string | null };

/** Staff ids are shown as such; a CLI operator's id (any text) is not a staff id and shows as none. */
const staffIdOrNull = (id: string | null) => (id && /^stf_[A-Za-z0-9_-]{8,40}$/.test(id) ? id : null);

export function incidentView(row: IncidentRow): IncidentView {
  return {
    incidentId: row.incident_id,
    kind: row.kind as IncidentKind,
    state: incidentState(row),
    issuanceId: row.issuance_id,
    terminalId: row.terminal_id,
    municipalityCode: row.municipality_code,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: staffIdOrNull(row.acknowledged_by),
    acknowledgementNote: row.acknowledgement_note,
    resolvedAt: row.resolved_at,
    resolvedBy: staffIdOrNull(row.resolved_by),
    resolutionNote: row.resolution_note,
  };
}

const withMunicipality = (db: Kysely<Database> | Transaction<Database>) =>
  db.selectFrom('incidents as n').leftJoin('issuances as i', 'i.issuance_id', 'n.issuance_id').selectAll('n').select('i.municipality_code');

export async function findIncident(db: Kysely<Database> | Transaction<Database>, incidentId: string): Promise<IncidentView | null> {
  const row = await withMunicipality(db).where('n.incident_id', '=', incidentId).executeTakeFirst();
  return row ? incidentView(row) : null;
}

export interface IncidentFilter {
  kind?: IncidentKind;
  state?: IncidentState;
  /** ISO instants: created_at ≥ fromInstant and < untilInstant (the caller turns Japan dates into them). */
  fromInstant?: string;
  untilInstant?: string;
  municipalityCode?: string;
  terminalId?: string;
  /** Keyset: rows strictly older than this (created_at, incident_id). */
  after?: { createdAt: string; incidentId: string };
  limit: number;
}

/** A page of incidents, newest first; `nextAfter` is the cursor of the page's last row when more may follow. */
export async function incidentPage(
  db: Kysely<Database>,
  filter: IncidentFilter,
): Promise<{ incidents: IncidentView[]; nextAfter: { createdAt: string; incidentId: string } | null }> {
  let query = withMunicipality(db);
  if (filter.kind) query = query.where('n.kind', '=', filter.kind);
  if (filter.state === 'resolved') query = query.where('n.resolved_at', 'is not', null);
  if (filter.state === 'acknowledged') query = query.where('n.resolved_at', 'is', null).where('n.acknowledged_at', 'is not', null);
  if (filter.state === 'open') query = query.where('n.resolved_at', 'is', null).where('n.acknowledged_at', 'is', null);
  if (filter.fromInstant) query = query.where('n.created_at', '>=', filter.fromInstant);
  if (filter.untilInstant) query = query.where('n.created_at', '<', filter.untilInstant);
  if (filter.municipalityCode) query = query.where('i.municipality_code', '=', filter.municipalityCode);
  if (filter.terminalId) query = query.where('n.terminal_id', '=', filter.terminalId);
  const after = filter.after;
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('n.created_at', '<', after.createdAt),
        eb.and([eb('n.created_at', '=', after.createdAt), eb('n.incident_id', '<', after.incidentId)]),
      ]),
    );
  const rows = await query.orderBy('n.created_at', 'desc').orderBy('n.incident_id', 'desc').limit(filter.limit).execute();
  const incidents = rows.map(incidentView);
  const last = incidents.at(-1);
  return { incidents, nextAfter: rows.length === filter.limit && last ? { createdAt: last.createdAt, incidentId: last.incidentId } : null };
}

/** Who triages: a console staff member (history detail staffId) or a CLI operator (operatorId). */
export type TriageBy = { staffId: string } | { operatorId: string };

/**
 * Acknowledges (open → acknowledged) or resolves (open or acknowledged → resolved) an incident.
 * NOT_FOUND when there is none; CONFLICT when it is not in a state the step starts from (already
 * resolved, or acknowledged twice), which is also what the loser of a race gets.
 */
export async function triageIncident(
  database: CenterDatabase,
  incidentId: string,
  step: { action: 'acknowledge' | 'resolve'; note: string | null; by: TriageBy },
  now: Date,
): Promise<IncidentView> {
  const by = 'staffId' in step.by ? step.by.staffId : step.by.operatorId;
  return writeTransaction(database, async (trx) => {
    const at = now.toISOString();
    const update =
      step.action === 'acknowledge'
        ? trx
            .updateTable('incidents')
            .set({ acknowledged_at: at, acknowledged_by: by, acknowledgement_note: step.note })
            .where('acknowledged_at', 'is', null)
        : trx.updateTable('incidents').set({ resolved_at: at, resolved_by: by, resolution_note: step.note });
    // The compare-and-set: only a row still in a state this step starts from is changed.
    const result = await update.where('incident_id', '=', incidentId).where('resolved_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      const existing = await findIncident(trx, incidentId);
      if (!existing) throw new MadoguchiError('NOT_FOUND', `no incident ${incidentId}`);
      throw new MadoguchiError('CONFLICT', `incident ${incidentId} is ${existing.state}: cannot ${step.action}`);
    }
    const incident = (await findIncident(trx, incidentId))!;
    await appendAudit(
      trx,
      database.kind,
      {
        event: step.action === 'acknowledge' ? 'incident_acknowledged' : 'incident_resolved',
        ...(incident.issuanceId ? { issuanceId: incident.issuanceId } : {}),
        ...(incident.terminalId ? { terminalId: incident.terminalId } : {}),
        ...(incident.municipalityCode ? { municipalityCode: incident.municipalityCode } : {}),
        detail: { ...step.by, incidentId, kind: incident.kind },
      },
      now,
    );
    return incident;
  });
}
