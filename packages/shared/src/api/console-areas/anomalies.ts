/**
 * Anomalies: incidents (acknowledge, resolve), disposals (処分), audit-chain verification and signed daily heads (issue 12 item 2).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 *
 * Incidents, verification and heads are service-wide (`oversee`: operators and auditors); triage is
 * an operator's (`operate`); a disposal is recorded under the municipality's own path (`dispose`).
 */
import { z } from 'zod';
import { IsoDate } from '../../domain/dates.js';
import { MunicipalityCode } from '../../domain/municipal-data.js';
import type { ConsoleRouteSpec } from '../console-routes.js';
import { Instant, MunicipalityParams, StaffId } from '../console-api.js';
import { IssueNumber } from '../kiosk-center.js';

/** Every kind the sweeper, the issuance service and the fleet record (apps/center/src/issuance/incidents.ts). */
export const IncidentKind = z.enum([
  'print_result_missing',
  'document_rejected',
  'print_failed',
  'render_failed',
  'delivery_replayed',
  'success_after_failure',
  'reconciliation_mismatch',
  'kiosk_silent',
  'refunded',
]);
export type IncidentKind = z.infer<typeof IncidentKind>;
export const IncidentState = z.enum(['open', 'acknowledged', 'resolved']);
export type IncidentState = z.infer<typeof IncidentState>;

/** A triage note: kept in the incidents table (never in the chain), one paragraph of plain text. */
export const MAX_INCIDENT_NOTE = 1000;
const Note = z.string().trim().min(1).max(MAX_INCIDENT_NOTE);
const IncidentId = z.string().uuid();
const TerminalId = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'terminal id');
/** Keyset cursor: the last row's created_at and id, as `nextAfter` gave it. */
const IncidentCursor = z.string().regex(/^[0-9T:.+Z-]{20,40}\|[0-9a-f-]{36}$/, 'a cursor from nextAfter');

export const IncidentQuery = z.object({
  kind: IncidentKind.optional(),
  state: IncidentState.optional(),
  /** Japan dates, inclusive: the incident was recorded on or after `from`, on or before `until`. */
  from: IsoDate.optional(),
  until: IsoDate.optional(),
  municipalityCode: MunicipalityCode.optional(),
  terminalId: TerminalId.optional(),
  after: IncidentCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const IncidentView = z.object({
  incidentId: IncidentId,
  kind: IncidentKind,
  state: IncidentState,
  issuanceId: z.string().nullable(),
  terminalId: z.string().nullable(),
  /** The issuance's municipality (none for a kiosk's own incident). */
  municipalityCode: z.string().nullable(),
  /** Codes, ids and amounts the recorder kept; never personal data. */
  detail: z.record(z.string(), z.unknown()),
  createdAt: Instant,
  acknowledgedAt: Instant.nullable(),
  acknowledgedBy: StaffId.nullable(),
  acknowledgementNote: z.string().nullable(),
  resolvedAt: Instant.nullable(),
  resolvedBy: StaffId.nullable(),
  resolutionNote: z.string().nullable(),
});
export type IncidentView = z.infer<typeof IncidentView>;
export const IncidentPage = z.object({ incidents: z.array(IncidentView), nextAfter: z.string().nullable() });
export const IncidentParams = z.object({ incidentId: IncidentId });
export const AcknowledgeIncidentRequest = z.object({ note: Note.optional() });
export const ResolveIncidentRequest = z.object({ note: Note });

/** 処分: the reason is history (one line, no personal data). */
export const DisposalRequest = z.object({ issueNumber: IssueNumber, reason: z.string().trim().min(1).max(200) });
export const DisposalView = z.object({ issuanceId: z.string(), issueNumber: z.string(), sequence: z.number().int() });

export const ChainProblem = z.object({
  seq: z.number().int().nullable(),
  kind: z.string(),
  message: z.string(),
});
export const ChainVerification = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  /** The first broken row of the chain itself (hash, link, gap), or null. */
  firstBrokenSeq: z.number().int().nullable(),
  /** How many published heads the chain was checked against. */
  headsChecked: z.number().int(),
  problems: z.array(ChainProblem),
  startedAt: Instant,
  finishedAt: Instant,
});
/**
 * The verification page's answer: the last completed verification (its start and end, the head it
 * reached) and the one running now, if any. A long chain is walked in the background; the page
 * answers at once and asks again (`startedAfter`: a verification started at or after that instant).
 */
export const ChainVerificationState = z.object({
  last: ChainVerification.nullable(),
  running: z.object({ startedAt: Instant, rowsChecked: z.number().int() }).nullable(),
});
export const ChainVerificationQuery = z.object({ startedAfter: Instant.optional() });
export const ChainHeadView = z.object({
  headId: z.string(),
  /** The Japan date whose last row this is (a daily head), or the date it was signed on demand. */
  day: IsoDate,
  seq: z.number().int(),
  hash: z.string(),
  recordedAt: Instant,
  signedAt: Instant,
  keyId: z.string(),
  signature: z.string(),
});
export const ChainHeadQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(30),
});
export const ChainHeadList = z.object({
  heads: z.array(ChainHeadView),
  nextBefore: z.number().int().nullable(),
  /** The public half of the signing key (SPKI PEM), when this center holds one. */
  publicKeyPem: z.string().nullable(),
});

export const anomalyRoutes = {
  incidents: {
    method: 'GET',
    path: '/incidents',
    summary: 'Incidents of the whole service, newest first, filtered (keyset pages)',
    permission: 'oversee',
    query: IncidentQuery,
    response: IncidentPage,
  },
  acknowledgeIncident: {
    method: 'POST',
    path: '/incidents/:incidentId/acknowledge',
    summary: 'Acknowledge an open incident (an optional note)',
    permission: 'operate',
    params: IncidentParams,
    body: AcknowledgeIncidentRequest,
    response: IncidentView,
  },
  resolveIncident: {
    method: 'POST',
    path: '/incidents/:incidentId/resolve',
    summary: 'Resolve an open or acknowledged incident, with a note',
    permission: 'operate',
    params: IncidentParams,
    body: ResolveIncidentRequest,
    response: IncidentView,
  },
  recordDisposal: {
    method: 'POST',
    path: '/municipalities/:municipalityCode/disposals',
    summary: 'Record the disposal (処分) of a wrongly printed document of this municipality, by issue number',
    permission: 'dispose',
    params: MunicipalityParams,
    body: DisposalRequest,
    response: DisposalView,
  },
  verifyChain: {
    // GET: it reads and changes nothing (auditors run it too); one verification at a time, answered within 1 s.
    method: 'GET',
    path: '/audit-chain/verification',
    summary: 'Verify the hash chain and every published head (in the background): the last result and the running one',
    permission: 'oversee',
    query: ChainVerificationQuery,
    response: ChainVerificationState,
  },
  chainHeads: {
    method: 'GET',
    path: '/audit-chain/heads',
    summary: 'The signed heads of the chain, newest first',
    permission: 'oversee',
    query: ChainHeadQuery,
    response: ChainHeadList,
  },
} as const satisfies Record<string, ConsoleRouteSpec>;
