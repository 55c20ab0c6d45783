/**
 * The invariants a load run with faults must leave standing (issue 14, item 2), checked from what the
 * center's database and the kiosks' journals and spool directories hold once the run is over:
 *
 *   const violations = await checkInvariants({ database: 'postgres://…' | '/path/center.sqlite',
 *     journals: ['<kiosk state dir>/kiosk-journal.sqlite', …], spoolDirs: [...], now: new Date() });
 *   // [] when every invariant holds; otherwise one entry per breach, a code and ids only.
 *
 * - every paid issuance ended printed or refunded, each copy exactly once (documents and history);
 * - no issuance charged twice, a refund equal to the fee of the copies not printed;
 * - the billing ledger's fees and refunds per municipality and month equal the issuances' paid minus
 *   refunded yen, by the month of each payment (as billing-reconciliation.test.ts reconciles them);
 * - the audit chain verifies (verifyAuditChain, what `audit verify` runs);
 * - no document bytes at the center past their result or their TTL (issuance_documents.pdf_base64,
 *   deleted by the print result, a refund or the sweeper), none in a stored idempotency answer;
 * - every kiosk journal's transactions closed, their print results delivered, and agreeing with the
 *   center (paid at the kiosk ⇔ paid at the center, the same copies printed, the same refund);
 * - no spool file (PDF or .part) left on a kiosk once its copy has a result.
 *
 * A violation holds ids, codes and yen, never a name, an address, a My Number or a PIN, so a load
 * run may print it. `now` is the instant the TTLs are measured against (the centers' clock).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { defaultTimeouts, verifyAuditChain } from '@madoguchi/center';
import { openDatabase, type CenterDatabase, type DatabaseConfig } from '@madoguchi/center/db';
import { JOURNAL_FILE, TransactionJournal, type JournalEvent } from '@madoguchi/kiosk/journal';
import { billingMonthOf } from '@madoguchi/shared';

export type InvariantCode =
  /** A paid issuance neither printed nor refunded. */
  | 'PAID_NOT_SETTLED'
  /** A copy of a printed or refunded issuance without its outcome, or missing, or its outcome not in the history. */
  | 'COPY_NOT_SETTLED'
  /** A copy printed twice, or printed and refunded, in the history. */
  | 'COPY_SETTLED_TWICE'
  /** refund_yen is not the fee of the copies not printed. */
  | 'REFUND_AMOUNT_WRONG'
  /** More than one fee (or refund) entry in the ledger for one issuance. */
  | 'CHARGED_TWICE'
  /** A paid issuance whose ledger fee is missing or another amount, or whose ledger refund differs from refund_yen. */
  | 'LEDGER_ISSUANCE_MISMATCH'
  /** A municipality's month: the ledger's fees and refunds differ from the issuances' paid minus refunded yen. */
  | 'LEDGER_UNBALANCED'
  | 'AUDIT_CHAIN_BROKEN'
  /** Document bytes at the center after the copy's result, after its issuance settled, or past the document TTL. */
  | 'DOCUMENT_KEPT'
  /** A stored idempotency answer holding a PDF. */
  | 'DOCUMENT_IN_IDEMPOTENCY_ROW'
  | 'JOURNAL_TRANSACTION_OPEN'
  | 'JOURNAL_REPORT_UNDELIVERED'
  | 'KIOSK_CENTER_PAYMENT_DISAGREES'
  | 'KIOSK_CENTER_PRINT_DISAGREES'
  | 'KIOSK_CENTER_REFUND_DISAGREES'
  | 'KIOSK_SPOOL_FILE_LEFT';

export interface Violation {
  code: InvariantCode;
  issuanceId?: string;
  issueNumber?: string;
  municipalityCode?: string;
  month?: string;
  seq?: number | null;
  /** A kiosk journal's or spool file's path. */
  file?: string;
  /** Codes, states and yen only. */
  detail?: string;
}

export interface InvariantInput {
  /** The center's database: a SQLite file path, a PostgreSQL URL, its configuration (opened and closed here), or an open handle. */
  database: string | DatabaseConfig | CenterDatabase;
  /** Kiosk journal files (or the kiosks' state directories holding them). */
  journals?: readonly string[];
  /** The kiosks' spool directories. */
  spoolDirs?: readonly string[];
  now: Date;
  /** The centers' document TTL (default the center's) and how late the sweeper may be (default one sweep interval). */
  documentTtlMs?: number;
  sweepGraceMs?: number;
}

export async function checkInvariants(input: InvariantInput): Promise<Violation[]> {
  const given = typeof input.database === 'object' && 'db' in input.database ? input.database : undefined;
  const database = given ?? (await openDatabase(configOf(input.database as string | DatabaseConfig), { mustExist: true }));
  try {
    const center = await readCenter(database);
    const kiosks = readJournals(input.journals ?? []);
    return [
      ...settlementViolations(center),
      ...ledgerViolations(center),
      ...(await auditViolations(database)),
      ...(await documentViolations(database, input)),
      ...journalViolations(center, kiosks),
      ...spoolViolations(input.spoolDirs ?? [], kiosks),
    ];
  } finally {
    if (!given) await database.close();
  }
}

function configOf(database: string | DatabaseConfig): DatabaseConfig {
  if (typeof database !== 'string') return database;
  return /^postgres(ql)?:\/\//.test(database) ? { kind: 'postgres', connectionString: database } : { kind: 'sqlite', path: database };
}

// ---------------------------------------------------------------- the center's side

interface IssuanceFacts {
  issuanceId: string;
  municipalityCode: string;
  state: string;
  copies: number;
  feeYen: number;
  paidYen: number | null;
  refundYen: number;
}

interface CenterFacts {
  issuances: Map<string, IssuanceFacts>;
  /** issue number → its issuance, copy and reported outcome */
  documents: Map<string, { issuanceId: string; copyIndex: number; outcome: string | null }>;
  /** issuance → the instant of its `paid` history row */
  paidAt: Map<string, string>;
  /** issue number → how many `printed` / `refunded` history rows name it */
  printedEvents: Map<string, number>;
  refundedEvents: Map<string, number>;
  ledger: { kind: string; adjusts: string | null; issuanceId: string | null; municipalityCode: string; month: string; amountYen: number }[];
}

async function readCenter(database: CenterDatabase): Promise<CenterFacts> {
  const db = database.db;
  const [issuances, documents, events, ledger] = await Promise.all([
    db
      .selectFrom('issuances')
      .select(['issuance_id', 'municipality_code', 'state', 'copies', 'fee_yen', 'paid_yen', 'refund_yen'])
      .execute(),
    db.selectFrom('issuance_documents').select(['issue_number', 'issuance_id', 'copy_index', 'print_outcome']).execute(),
    db
      .selectFrom('audit_events')
      .select(['event', 'issuance_id', 'issue_numbers_json', 'recorded_at'])
      .where('event', 'in', ['paid', 'printed', 'refunded'])
      .execute(),
    db
      .selectFrom('billing_ledger')
      .select(['kind', 'adjusts', 'issuance_id', 'municipality_code', 'billing_month', 'corrects_month', 'amount_yen'])
      .where((w) => w.or([w('kind', 'in', ['fee', 'refund']), w('adjusts', 'in', ['fee', 'refund'])]))
      .execute(),
  ]);
  const facts: CenterFacts = {
    issuances: new Map(
      issuances.map((r) => [
        r.issuance_id,
        {
          issuanceId: r.issuance_id,
          municipalityCode: r.municipality_code,
          state: r.state,
          copies: r.copies,
          feeYen: r.fee_yen,
          paidYen: r.paid_yen,
          refundYen: r.refund_yen,
        },
      ]),
    ),
    documents: new Map(
      documents.map((d) => [d.issue_number, { issuanceId: d.issuance_id, copyIndex: d.copy_index, outcome: d.print_outcome }]),
    ),
    paidAt: new Map(),
    printedEvents: new Map(),
    refundedEvents: new Map(),
    // A refund belongs to its fee's month; an adjustment to the month it corrects.
    ledger: ledger.map((e) => ({
      kind: e.kind,
      adjusts: e.adjusts,
      issuanceId: e.issuance_id,
      municipalityCode: e.municipality_code,
      month: e.corrects_month ?? e.billing_month,
      amountYen: e.amount_yen,
    })),
  };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const e of events) {
    if (e.event === 'paid' && e.issuance_id) facts.paidAt.set(e.issuance_id, e.recorded_at);
    const numbers = e.issue_numbers_json ? (JSON.parse(e.issue_numbers_json) as string[]) : [];
    if (e.event === 'printed') for (const n of numbers) bump(facts.printedEvents, n);
    if (e.event === 'refunded') for (const n of numbers) bump(facts.refundedEvents, n);
  }
  return facts;
}

function documentsOf(center: CenterFacts): Map<string, { issueNumber: string; outcome: string | null }[]> {
  const byIssuance = new Map<string, { issueNumber: string; outcome: string | null }[]>();
  for (const [issueNumber, d] of center.documents) {
    byIssuance.set(d.issuanceId, [...(byIssuance.get(d.issuanceId) ?? []), { issueNumber, outcome: d.outcome }]);
  }
  return byIssuance;
}

/** Every paid issuance printed or refunded, each copy exactly once, the refund the fee of the copies not printed. */
function settlementViolations(center: CenterFacts): Violation[] {
  const violations: Violation[] = [];
  const byIssuance = documentsOf(center);
  for (const issuance of center.issuances.values()) {
    if (issuance.paidYen === null) continue;
    const { issuanceId } = issuance;
    if (issuance.state !== 'printed' && issuance.state !== 'refunded') {
      violations.push({ code: 'PAID_NOT_SETTLED', issuanceId, detail: issuance.state });
      continue;
    }
    const docs = byIssuance.get(issuanceId) ?? [];
    if (docs.length !== issuance.copies)
      violations.push({ code: 'COPY_NOT_SETTLED', issuanceId, detail: `${docs.length} of ${issuance.copies} copies recorded` });
    for (const doc of docs) violations.push(...copyViolations(center, issuance, doc));
    const printed = docs.filter((d) => d.outcome === 'printed').length;
    const expectedRefund = issuance.state === 'printed' ? 0 : issuance.feeYen * (issuance.copies - printed);
    if (issuance.refundYen !== expectedRefund)
      violations.push({ code: 'REFUND_AMOUNT_WRONG', issuanceId, detail: `refunded ${issuance.refundYen}, due ${expectedRefund}` });
  }
  return violations;
}

function copyViolations(center: CenterFacts, issuance: IssuanceFacts, doc: { issueNumber: string; outcome: string | null }): Violation[] {
  const ids = { issuanceId: issuance.issuanceId, issueNumber: doc.issueNumber };
  const printedRows = center.printedEvents.get(doc.issueNumber) ?? 0;
  const refundedRows = center.refundedEvents.get(doc.issueNumber) ?? 0;
  if (printedRows + refundedRows > 1)
    return [{ code: 'COPY_SETTLED_TWICE', ...ids, detail: `printed ${printedRows}, refunded ${refundedRows}` }];
  const settled = issuance.state === 'printed' ? doc.outcome === 'printed' : doc.outcome !== null;
  if (!settled) return [{ code: 'COPY_NOT_SETTLED', ...ids, detail: `${issuance.state}, copy ${doc.outcome ?? 'unreported'}` }];
  if ((doc.outcome === 'printed') !== (printedRows === 1))
    return [{ code: 'COPY_NOT_SETTLED', ...ids, detail: `copy ${doc.outcome}, ${printedRows} printed history rows` }];
  return [];
}

/** One fee per paid issuance, its refund as recorded, and every municipality's month balanced against the issuances. */
function ledgerViolations(center: CenterFacts): Violation[] {
  const violations: Violation[] = [];
  const entries = new Map<string, { fees: number[]; refunds: number[] }>();
  const monthTotals = new Map<string, { ledger: number; issuances: number }>();
  const total = (municipalityCode: string, month: string) => {
    const key = `${municipalityCode} ${month}`;
    if (!monthTotals.has(key)) monthTotals.set(key, { ledger: 0, issuances: 0 });
    return monthTotals.get(key)!;
  };
  for (const e of center.ledger) {
    total(e.municipalityCode, e.month).ledger += e.amountYen;
    if (!e.issuanceId) continue;
    const own = entries.get(e.issuanceId) ?? { fees: [], refunds: [] };
    (e.kind === 'fee' || e.adjusts === 'fee' ? own.fees : own.refunds).push(e.amountYen);
    entries.set(e.issuanceId, own);
  }
  for (const issuance of center.issuances.values()) {
    const own = entries.get(issuance.issuanceId) ?? { fees: [], refunds: [] };
    const ids = { issuanceId: issuance.issuanceId };
    if (own.fees.length > 1 || own.refunds.length > 1)
      violations.push({ code: 'CHARGED_TWICE', ...ids, detail: `${own.fees.length} fee and ${own.refunds.length} refund entries` });
    const fee = own.fees.reduce((s, y) => s + y, 0);
    const refund = -own.refunds.reduce((s, y) => s + y, 0);
    if (fee !== (issuance.paidYen ?? 0) || refund !== issuance.refundYen)
      violations.push({
        code: 'LEDGER_ISSUANCE_MISMATCH',
        ...ids,
        detail: `ledger fee ${fee} refund ${refund}, issuance paid ${issuance.paidYen ?? 0} refunded ${issuance.refundYen}`,
      });
    if (issuance.paidYen === null) continue;
    const paidAt = center.paidAt.get(issuance.issuanceId);
    if (!paidAt) continue; // the audit check reports a paid issuance whose history lacks its payment
    total(issuance.municipalityCode, billingMonthOf(new Date(paidAt))).issuances += issuance.paidYen - issuance.refundYen;
  }
  for (const [key, t] of monthTotals) {
    if (t.ledger === t.issuances) continue;
    const [municipalityCode, month] = key.split(' ') as [string, string];
    violations.push({ code: 'LEDGER_UNBALANCED', municipalityCode, month, detail: `ledger ${t.ledger}, issuances ${t.issuances}` });
  }
  return violations;
}

async function auditViolations(database: CenterDatabase): Promise<Violation[]> {
  const verification = await verifyAuditChain(database.db);
  return verification.problems.map((p) => ({ code: 'AUDIT_CHAIN_BROKEN', seq: p.seq, detail: p.kind }));
}

/** Bytes are kept only by a delivered issuance's unreported copy, and not past the TTL (plus one late sweep). */
async function documentViolations(database: CenterDatabase, input: InvariantInput): Promise<Violation[]> {
  const ttlMs = (input.documentTtlMs ?? defaultTimeouts.documentTtlMs) + (input.sweepGraceMs ?? defaultTimeouts.sweepIntervalMs);
  const expiredBefore = new Date(input.now.getTime() - ttlMs).toISOString();
  const kept = await database.db
    .selectFrom('issuance_documents as d')
    .innerJoin('issuances as i', 'i.issuance_id', 'd.issuance_id')
    .select(['d.issue_number', 'd.issuance_id', 'd.print_outcome', 'i.state', 'i.updated_at'])
    .where('d.pdf_base64', 'is not', null)
    .execute();
  const violations: Violation[] = kept
    .filter((d) => d.print_outcome !== null || d.state !== 'delivered' || d.updated_at < expiredBefore)
    .map((d) => ({
      code: 'DOCUMENT_KEPT',
      issuanceId: d.issuance_id,
      issueNumber: d.issue_number,
      detail: d.print_outcome !== null || d.state !== 'delivered' ? `${d.state}, copy ${d.print_outcome ?? 'unreported'}` : 'past its TTL',
    }));
  // A stored answer is replayed for a day: a PDF in one would outlive every TTL (pay stores a marker).
  const answers = await database.db
    .selectFrom('idempotency_keys')
    .select(['terminal_id', 'operation'])
    .where('response_json', 'like', '%"pdf"%')
    .execute();
  for (const a of answers) violations.push({ code: 'DOCUMENT_IN_IDEMPOTENCY_ROW', detail: `${a.terminal_id} ${a.operation}` });
  return violations;
}

// ---------------------------------------------------------------- the kiosks' side

interface KioskTransaction {
  file: string;
  events: JournalEvent[];
}

interface KioskFacts {
  /** issuance id → its transaction in the journal that has one */
  transactions: Map<string, KioskTransaction>;
  undelivered: { file: string; issuanceId: string; issueNumber: string }[];
}

function readJournals(paths: readonly string[]): KioskFacts {
  const facts: KioskFacts = { transactions: new Map(), undelivered: [] };
  for (const path of paths) {
    // The journal's own reader (the kiosk's schema, whatever it becomes), on its state directory.
    const journal = new TransactionJournal(basename(path) === JOURNAL_FILE ? dirname(path) : path);
    try {
      for (const event of journal.allEvents()) {
        const transaction = facts.transactions.get(event.issuanceId) ?? { file: path, events: [] };
        transaction.events.push(event);
        facts.transactions.set(event.issuanceId, transaction);
      }
      for (const r of journal.pendingReports())
        facts.undelivered.push({ file: path, issuanceId: r.issuanceId, issueNumber: r.issueNumber });
    } finally {
      journal.close();
    }
  }
  return facts;
}

const hasMoney = (events: JournalEvent[]) => events.some((e) => e.kind === 'cashInserted' || e.kind === 'paymentStarted');
const sumOf = (events: JournalEvent[], kind: JournalEvent['kind']) =>
  events.filter((e) => e.kind === kind).reduce((s, e) => s + (e.yen ?? 0), 0);

function paidCopiesOf(events: JournalEvent[]): { copyIndex: number; issueNumber: string }[] | undefined {
  const paid = events.find((e) => e.kind === 'paid');
  if (!paid) return undefined;
  return (JSON.parse(paid.detail ?? '{}') as { documents?: { copyIndex: number; issueNumber: string }[] }).documents ?? [];
}

function journalViolations(center: CenterFacts, kiosks: KioskFacts): Violation[] {
  const violations: Violation[] = kiosks.undelivered.map((r) => ({ code: 'JOURNAL_REPORT_UNDELIVERED', ...r }));
  for (const [issuanceId, { file, events }] of kiosks.transactions) {
    if (!hasMoney(events)) continue;
    if (!events.some((e) => e.kind === 'closed')) violations.push({ code: 'JOURNAL_TRANSACTION_OPEN', issuanceId, file });
    violations.push(...agreementViolations(center, issuanceId, file, events));
  }
  return violations;
}

/**
 * Paid at the kiosk ⇔ paid at the center (or refunded whole there: the kiosk never saw the payment);
 * the same copies printed and the same yen refunded.
 */
function agreementViolations(center: CenterFacts, issuanceId: string, file: string, events: JournalEvent[]): Violation[] {
  const ids = { issuanceId, file };
  const issuance = center.issuances.get(issuanceId);
  const copies = paidCopiesOf(events);
  if (!issuance) return [{ code: 'KIOSK_CENTER_PAYMENT_DISAGREES', ...ids, detail: 'unknown at the center' }];
  if (!copies) {
    const refundedWhole = issuance.paidYen === null || (issuance.state === 'refunded' && issuance.refundYen === issuance.paidYen);
    return refundedWhole
      ? []
      : [{ code: 'KIOSK_CENTER_PAYMENT_DISAGREES', ...ids, detail: `not paid at the kiosk, ${issuance.state} at the center` }];
  }
  if (issuance.paidYen === null)
    return [{ code: 'KIOSK_CENTER_PAYMENT_DISAGREES', ...ids, detail: `paid at the kiosk, ${issuance.state} at the center` }];
  const violations: Violation[] = [];
  const printedEvents = events.filter((e) => e.kind === 'printed').map((e) => e.copyIndex);
  const printedAtKiosk = new Set(printedEvents);
  // A copy on paper twice is a second certificate the history never issued.
  if (printedEvents.length > printedAtKiosk.size)
    violations.push({ code: 'COPY_SETTLED_TWICE', ...ids, detail: 'printed twice at the kiosk' });
  for (const copy of copies) {
    const atCenter = center.documents.get(copy.issueNumber)?.outcome ?? null;
    if (printedAtKiosk.has(copy.copyIndex) !== (atCenter === 'printed'))
      violations.push({
        code: 'KIOSK_CENTER_PRINT_DISAGREES',
        ...ids,
        issueNumber: copy.issueNumber,
        detail: `kiosk ${printedAtKiosk.has(copy.copyIndex) ? 'printed' : 'not printed'}, center ${atCenter ?? 'unreported'}`,
      });
  }
  const refundedAtKiosk = sumOf(events, 'refunded');
  if (refundedAtKiosk !== issuance.refundYen)
    violations.push({ code: 'KIOSK_CENTER_REFUND_DISAGREES', ...ids, detail: `kiosk ${refundedAtKiosk}, center ${issuance.refundYen}` });
  return violations;
}

/** A spool file outlives nothing but its own print in progress: an open transaction's copy without a result. */
function spoolViolations(spoolDirs: readonly string[], kiosks: KioskFacts): Violation[] {
  const violations: Violation[] = [];
  for (const dir of spoolDirs) {
    for (const name of readdirSync(dir)) {
      const match = /^(.+)-(\d{2})\.pdf$/.exec(name);
      const transaction = match ? kiosks.transactions.get(match[1]!) : undefined;
      const inProgress =
        transaction !== undefined &&
        !transaction.events.some((e) => e.kind === 'closed') &&
        !transaction.events.some(
          (e) => e.copyIndex === Number(match![2]) && (e.kind === 'printed' || e.kind === 'printFailed' || e.kind === 'printRejected'),
        );
      if (!inProgress && (match || extname(name) === '.part'))
        violations.push({ code: 'KIOSK_SPOOL_FILE_LEFT', file: `${dir}/${name}`, ...(match ? { issuanceId: match[1]! } : {}) });
    }
  }
  return violations;
}
