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
import { commitsWithTransaction, runAtCommit, type SqlLiteral } from '../db/database.js';
import { noteLocked, timed } from '../db/pool-stats.js';
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

type Fields = Omit<Row, 'seq' | 'prev_hash' | 'hash'>;

/** The row's own fields, or the refusal of an entry that holds more than ids and codes. */
function fieldsOf(entry: AuditEntry, now: Date): Fields {
  // Thrown inside the caller's transaction: the change this row would record is not made either.
  const problem = auditEntryProblem(entry);
  if (problem) throw new MadoguchiError('INTERNAL', `history row refused: ${problem} is not an id or a code`);
  return {
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
  };
}

/**
 * Appends a history row in the caller's write transaction. On PostgreSQL the row is chained at the
 * transaction's COMMIT, in the same round trip (db/database.ts runAtCommit): the chain's lock, which
 * every history row of every center process needs, is then held only while the server inserts the rows
 * and commits. Taken here and held until the commit, it was held across every later statement's wait for
 * this process's event loop, and the chain allowed ~8 rows a second under load
 * (docs/benchmarks.md#several-centers). A caller that needs the row's seq, or the lock's order now, calls
 * appendAuditNow.
 */
export async function appendAudit(
  trx: Transaction<Database> | Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  entry: AuditEntry,
  now: Date,
): Promise<void> {
  const fields = fieldsOf(entry, now);
  if (kind === 'postgres' && commitsWithTransaction(trx)) {
    await keepOrder(trx, entry);
    runAtCommit(trx, (literal) => chainedInsert(fields, literal));
    return;
  }
  // SQLite: the write transaction holds the database's one write lock from its BEGIN IMMEDIATE, so
  // reading the last row and appending after it can be one statement (no round trip in between).
  await chainedInsertSqlite(fields).execute(trx);
}

/** Orders the billing ledger's writers with a month's close (billing/ledger.ts); any key apart from the chain's. */
const MONTH_CLOSE_LOCK_KEY = 7320101;
const LEDGER_ENTRY_EVENTS: ReadonlySet<AuditEvent> = new Set(['paid', 'refunded', 'billing_adjustment_recorded']);
/** A copy's print report reads the issuance's other copies after this row (issuance-service.ts recordPrinted). */
const COPY_REPORT_EVENTS: ReadonlySet<AuditEvent> = new Set(['printed', 'print_failed']);

/**
 * What the chain's lock, taken here until PostgreSQL appends were kept for the commit, also did for the
 * callers, kept with narrower locks (held to the commit as before): a ledger entry written after its
 * `paid`, `refunded` or `billing_adjustment_recorded` row is ordered with a month's close (they share a
 * lock that the `billing_month_closed` row takes alone), and a copy's print report waits for a concurrent
 * report of another copy of the same issuance (the issuance row's lock), so the later one sees both.
 */
async function keepOrder(trx: Transaction<Database> | Kysely<Database>, entry: AuditEntry): Promise<void> {
  if (entry.event === 'billing_month_closed') await sql`select pg_advisory_xact_lock(${MONTH_CLOSE_LOCK_KEY})`.execute(trx);
  else if (LEDGER_ENTRY_EVENTS.has(entry.event)) await sql`select pg_advisory_xact_lock_shared(${MONTH_CLOSE_LOCK_KEY})`.execute(trx);
  if (entry.issuanceId && COPY_REPORT_EVENTS.has(entry.event))
    await sql`select 1 from issuances where issuance_id = ${entry.issuanceId} for update`.execute(trx);
}

/** appendAudit, chained at once: the chain's lock is held from here to the commit. Returns the row. */
export async function appendAuditNow(
  trx: Transaction<Database> | Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  entry: AuditEntry,
  now: Date,
): Promise<Row> {
  return appendNow(trx, kind, fieldsOf(entry, now));
}

async function appendNow(trx: Transaction<Database> | Kysely<Database>, kind: 'sqlite' | 'postgres', fields: Fields): Promise<Row> {
  if (kind === 'postgres') {
    await timed('chainLockWait', () => sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx));
    noteLocked(trx);
  }
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const base: Omit<Row, 'hash'> = { seq: (last?.seq ?? 0) + 1, ...fields, prev_hash: last?.hash ?? GENESIS_HASH };
  const row: Row = { ...base, hash: hashRow(base) };
  await trx.insertInto('audit_events').values(row).execute();
  return row;
}

const TEXT_COLUMNS = [
  'recorded_at',
  'event',
  'issuance_id',
  'store_code',
  'terminal_id',
  'resident_id',
  'municipality_code',
  'certificate_type',
  'options_json',
] as const;
const LATER_COLUMNS = [
  ['copies', 'integer'],
  ['page_count', 'integer'],
  ['issue_numbers_json', 'text'],
  ['detail_json', 'text'],
] as const;

/** The canonical JSON of the row's fields around the seq it does not know yet: hash = sha256(prev, "\n", before, seq, after). */
function jsonAroundSeq(fields: Fields): { before: string; after: string } {
  const json = canonicalJson({ ...fields, seq: 0 });
  // Keys are sorted: "seq" comes between "resident_id" and "store_code", and only there unquoted.
  const marker = '"seq":0,"store_code":';
  const at = json.indexOf(marker);
  if (at < 0 || json.indexOf(marker, at + 1) >= 0) throw new MadoguchiError('INTERNAL', 'history row: no single seq in its JSON');
  return { before: json.slice(0, at + '"seq":'.length), after: json.slice(at + '"seq":0'.length) };
}

/**
 * appendNow's row as one INSERT … SELECT on SQLite, hashed in SQL exactly as hashRow does (the
 * madoguchi_sha256_hex function that db/sqlite-thread/open-sqlite.ts gives every connection).
 */
function chainedInsertSqlite(fields: Fields) {
  const { before, after } = jsonAroundSeq(fields);
  const columns = [...TEXT_COLUMNS, ...LATER_COLUMNS.map(([c]) => c)];
  const values = columns.map((c) => sql`${fields[c]}`);
  return sql`insert into audit_events (seq, ${sql.join(columns.map((c) => sql.ref(c)))}, prev_hash, hash)
    select last.seq + 1, ${sql.join(values)}, last.hash,
      madoguchi_sha256_hex(last.hash || char(10) || ${before} || cast(last.seq + 1 as text) || ${after})
    from (select m.seq, coalesce(a.hash, ${GENESIS_HASH}) as hash
      from (select coalesce(max(seq), 0) as seq from audit_events) m left join audit_events a on a.seq = m.seq) last`;
}

/**
 * The row as one INSERT … SELECT that reads the last row after taking the chain's lock (each statement of
 * the commit's query sees what committed before it) and hashes in SQL exactly as hashRow does:
 * sha256(prev_hash, "\n", canonical JSON of the fields), the JSON built here around the seq it does not know.
 */
function chainedInsert(fields: Fields, literal: SqlLiteral): string {
  const { before, after } = jsonAroundSeq(fields);
  const values = [...TEXT_COLUMNS.map((c) => literal(fields[c], 'text')), ...LATER_COLUMNS.map(([c, type]) => literal(fields[c], type))];
  const columns = [...TEXT_COLUMNS, ...LATER_COLUMNS.map(([c]) => c)];
  return (
    `select pg_advisory_xact_lock(${AUDIT_LOCK_KEY});\n` +
    `insert into audit_events (seq, ${columns.join(', ')}, prev_hash, hash) ` +
    `select last.seq + 1, ${values.join(', ')}, last.hash, ` +
    `encode(sha256(convert_to(last.hash || chr(10) || ${literal(before, 'text')} || (last.seq + 1)::text || ` +
    `${literal(after, 'text')}, 'UTF8')), 'hex') ` +
    `from (select m.seq, coalesce(a.hash, ${literal(GENESIS_HASH, 'text')}) as hash ` +
    `from (select coalesce(max(seq), 0) as seq from audit_events) m left join audit_events a on a.seq = m.seq) last`
  );
}
