/**
 * The issuance history (交付履歴): append-only and hash-chained. Each row's hash covers its own
 * fields and the previous row's hash, so editing a row breaks its hash and deleting one breaks the
 * link of the next. Rows are written inside the same transaction as the change they record, so
 * history and state can never disagree: either both commit or neither does.
 *
 * What a row holds follows docs/misissuance.md#r9: when, where (store, terminal), who (resident id,
 * never a name), type, options, copies, pages, issue numbers, and disposal records; and the
 * 本籍地 registrations (applied, approved, rejected) that decide who may have 戸籍 certificates.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { MadoguchiError } from '@madoguchi/shared';
import type { Database } from '../db/schema.js';
import type { AuditEventsTable } from '../db/tables/issuance.js';
import { canonicalJson } from '../issuance/canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditEvent =
  | 'kiosk_enrolled'
  | 'kiosk_revoked'
  | 'resident_authenticated'
  | 'quoted'
  | 'paid'
  | 'delivered'
  | 'printed'
  | 'print_failed'
  | 'refunded'
  | 'voided'
  | 'documents_deleted'
  | 'disposal'
  | DomicileRegistrationEvent
  | StaffEvent
  | OperationsEvent;

/**
 * What operators and municipal staff do in the console's operations pages (issue 12): showing an
 * issuance's personal data (detail: staffId, reason — the reason is the staff member's own words,
 * kept short and single-line by auditEntryProblem), exporting a search, triaging incidents, the
 * signed daily head of this chain, closing a billing month and adjusting a closed one.
 */
export type OperationsEvent =
  | 'personal_data_revealed'
  | 'issuance_log_exported'
  | 'incident_acknowledged'
  | 'incident_resolved'
  | 'chain_head_signed'
  | 'billing_month_closed'
  | 'billing_adjustment_recorded';

/**
 * What staff do through the console or the API: sign-ins (and refused ones), accounts and tokens,
 * every configuration change (detail: staffId, section, before, after — never a name), imports and
 * seal changes (by the image's SHA-256). The row's municipality is the one changed (for sign-ins
 * and accounts, the staff member's own; none for operators and auditors).
 */
export type StaffEvent =
  | 'staff_signed_in'
  | 'staff_sign_in_refused'
  | 'staff_signed_out'
  | 'staff_created'
  | 'staff_enrolled'
  | 'staff_disabled'
  | 'staff_role_changed'
  | 'staff_password_changed'
  | 'api_token_created'
  | 'api_token_revoked'
  | 'configuration_changed'
  | 'municipal_data_imported';

/**
 * 本籍地利用登録申請 and the 本籍地's decision on it: an approval is what opens that municipality's
 * 戸籍 certificates to the resident, so it is history like an issuance. The row's municipality is
 * the 本籍地 (the one that decides), its resident the applicant (an id), its store and terminal the
 * kiosk where they applied (none for an application a clerk enters); the detail holds the
 * registration id, the channel, the session (kiosk) or the deciding clerk's staff id.
 */
export type DomicileRegistrationEvent =
  'domicile_registration_applied' | 'domicile_registration_approved' | 'domicile_registration_rejected';
export const domicileRegistrationEvents: readonly DomicileRegistrationEvent[] = [
  'domicile_registration_applied',
  'domicile_registration_approved',
  'domicile_registration_rejected',
];

export interface AuditEntry {
  event: AuditEvent;
  issuanceId?: string;
  storeCode?: string;
  terminalId?: string;
  residentId?: string;
  /** The resident's municipality; for the domicile-registration events, the 本籍地. */
  municipalityCode?: string;
  certificateType?: string;
  options?: unknown;
  copies?: number;
  pageCount?: number;
  issueNumbers?: string[];
  /** Codes, states and amounts; never personal data. */
  detail?: Record<string, unknown>;
}

type Row = AuditEventsTable;

/**
 * A second line behind the request schemas (which bound every kiosk field, see
 * packages/shared/src/api/kiosk-center.ts), as log redaction is behind "ids only": a history row
 * holds ids, codes, hashes, issue numbers and amounts, all short and on one line, so a longer or
 * multi-line text, or a long list, is something that was never meant to be kept forever.
 */
const MAX_AUDIT_TEXT = 256;
const MAX_AUDIT_LIST = 100;

/** The path of the first value an audit entry must not hold, or null. Paths only: never the value. */
export function auditEntryProblem(entry: AuditEntry): string | null {
  const check = (value: unknown, path: string): string | null => {
    if (typeof value === 'string') return value.length > MAX_AUDIT_TEXT || /\p{Cc}/u.test(value) ? path : null;
    if (Array.isArray(value)) {
      if (value.length > MAX_AUDIT_LIST) return path;
      for (const [i, item] of value.entries()) {
        const found = check(item, `${path}[${i}]`);
        if (found) return found;
      }
      return null;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const found = key.length > MAX_AUDIT_TEXT ? `${path}.<key>` : check(item, `${path}.${key}`);
        if (found) return found;
      }
    }
    return null;
  };
  return check(entry, 'entry');
}

/** What the hash covers: every column except the hash itself, in canonical form. */
export function hashRow(row: Omit<Row, 'hash'>): string {
  const { prev_hash: prevHash, ...fields } = row;
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
}

/** Serialises appends across center processes on PostgreSQL; SQLite's BEGIN IMMEDIATE already does. */
const AUDIT_LOCK_KEY = 7320100;

export async function appendAudit(
  trx: Transaction<Database> | Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  entry: AuditEntry,
  now: Date,
): Promise<Row> {
  // Thrown inside the caller's transaction: the change this row would record is not made either.
  const problem = auditEntryProblem(entry);
  if (problem) throw new MadoguchiError('INTERNAL', `history row refused: ${problem} is not an id or a code`);
  if (kind === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const base: Omit<Row, 'hash'> = {
    seq: (last?.seq ?? 0) + 1,
    recorded_at: now.toISOString(),
    event: entry.event,
    issuance_id: entry.issuanceId ?? null,
    store_code: entry.storeCode ?? null,
    terminal_id: entry.terminalId ?? null,
    resident_id: entry.residentId ?? null,
    municipality_code: entry.municipalityCode ?? null,
    certificate_type: entry.certificateType ?? null,
    options_json: entry.options === undefined ? null : canonicalJson(entry.options),
    copies: entry.copies ?? null,
    page_count: entry.pageCount ?? null,
    issue_numbers_json: entry.issueNumbers ? canonicalJson(entry.issueNumbers) : null,
    detail_json: entry.detail ? canonicalJson(entry.detail) : null,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const row: Row = { ...base, hash: hashRow(base) };
  await trx.insertInto('audit_events').values(row).execute();
  return row;
}
