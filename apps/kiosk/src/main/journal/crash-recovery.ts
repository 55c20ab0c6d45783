/**
 * What a restarted kiosk does with the transactions the journal shows unfinished. After a restart
 * the resident's session is gone — the card, the PIN, the documents were in memory only — so the
 * kiosk prints again only for the resident who paid, proven again: a paid transaction with copies
 * not on paper, paid less than AWAIT_RESIDENT_MS ago, is HELD (`held`; journaled
 * `awaitingResident`) and the start screen asks for the card that paid (its certificate's SHA-256
 * is in the `paid` event). That card, its PIN and the center's authentication as always, then the
 * payment asked again with its own idempotency key (the center answers with the copies not yet
 * reported, while it keeps them) and the full last-hop check: the session prints the rest
 * (session/kiosk-session.ts, resumeHeld). Anything else — another card, cancel, a locked PIN, the
 * window passing, a center refusal — ends it through `settleHeld`, as recovery ends everything else.
 * Otherwise it finishes the money, the same way the running session would have on a failure:
 *
 * - not paid (cash in escrow, the center never answered, or answered and the answer was lost):
 *   the escrow goes back and the issuance is cancelled at the center (voided, or refunded if it
 *   had recorded the payment) — the escrow rule of payment/escrow-payment.ts; once a payment was
 *   started, that cancel is queued in the outbox and sent until the center decides (deliverOutbox);
 * - paid: change not yet dispensed is dispensed; every copy journaled `printed` is reported
 *   printed; the first copy not on paper is reported `failed` (the center then refunds the rest)
 *   and the fee of every copy not on paper is refunded from the cash box.
 *
 * A print step whose intent is journaled but not its result ("about to print copy 2") is taken as
 * NOT done: the intent is written immediately before the printer call, and without a resident there
 * is nobody to hand a copy to anyway. Each copy ends either printed or refunded, never both, never
 * neither.
 *
 * A payout is different (issue 13): the coins leave in the cash unit, outside this process, and the
 * only durable witness of whether they did is the unit. Moving the journal write cannot close that
 * window, only choose its error: written before the call, a crash reads "not done" and pays again
 * (both); written after, it reads "done" and a resident who got nothing stays unpaid (neither). So
 * the unit takes part: every payout intent names the payout to the unit by an id derived from the
 * intent (`payoutIdOf`), the unit records that id before a coin drops and counts each coin as it
 * drops, in its own non-volatile log (payment/cash-device.ts, the contract a driver meets). An
 * intent found without its result is settled by ASKING THE UNIT first (`payoutOutcome`): what it
 * dispensed for the id is journaled as the result, and only what is still owed — all of it if the
 * unit never saw the id, the rest after a jam or a cut mid-way, nothing if it finished — is paid,
 * under a new intent. A unit that cannot tell (`'unknown'`, or a driver without a payout log) is
 * paid again, as a resident must not go unpaid, and the result says so for the daily cash report
 * (cash-report.ts), which sets the journal against the unit's counters and names every difference.
 */
import { randomUUID } from 'node:crypto';
import { errorCatalog, MadoguchiError, yen, type CertificateType, type ErrorCode } from '@madoguchi/shared';
import type { SessionDeps, SessionLog } from '../session/ports.js';
import type { CashDevice } from '../payment/cash-device.js';
import { payoutIdOf, type JournalEvent, type JournalEventKind, type PrintReport, type TransactionJournal } from './transaction-journal.js';

type Center = Pick<SessionDeps['center'], 'printResult' | 'cancel'>;

export interface RecoveryDeps {
  journal: TransactionJournal;
  center: Center;
  cash: Pick<CashDevice, 'payOut' | 'payoutOutcome'> | undefined;
  log: SessionLog;
}

/**
 * How long after its payment a restarted kiosk holds a paid, unprinted transaction for the card that
 * paid for it, instead of refunding it at once. Five minutes: a restart takes seconds to a minute,
 * and a resident who stayed sees the kiosk come back well within it, while one who left does not
 * hold the refund (and the kiosk's start screen) for long. It also stays inside what the center keeps
 * for a replayed payment: its documents for 10 minutes and its print-result deadline of 15
 * (apps/center/src/config.ts, documentTtlMs and printResultTtlMs), so a resume that starts at the
 * last second still finds them.
 */
export const AWAIT_RESIDENT_MS = 5 * 60_000;

/** A paid transaction with copies not on paper, held for its resident after a restart (no personal data). */
export interface HeldTransaction {
  issuanceId: string;
  /** SHA-256 (hex) of the authentication certificate of the card that paid: the same card must come back. */
  authCertificateSha256: string;
  /** The payment's idempotency key: asked again with it, the center answers with the same delivery. */
  paymentKey: string;
  certificateType: CertificateType;
  totalYen: number;
  /** The copies not on paper, in order. */
  unprinted: JournaledDocument[];
  /** Epoch ms when the hold ends and the copies are refunded. */
  until: number;
}

export interface RecoveryOptions {
  /** AWAIT_RESIDENT_MS by default; 0 refunds every unprinted copy at once (the rule before the hold). */
  awaitResidentMs?: number;
  now?: () => Date;
}

/**
 * Settles every unfinished transaction, then delivers the queued print results. The most recent paid
 * transaction still within the window is held for its resident (`held`) instead of refunded.
 */
export async function recoverUnfinished(
  deps: RecoveryDeps,
  options: RecoveryOptions = {},
): Promise<{ recovered: number; undelivered: number; held?: HeldTransaction }> {
  const open = deps.journal.unfinished();
  const now = (options.now ?? (() => new Date()))().getTime();
  let held: HeldTransaction | undefined;
  // Newest first: a kiosk serves one resident at a time, so only the last transaction can still have its resident.
  for (const issuanceId of [...open].reverse()) {
    const hold = held ? undefined : { windowMs: options.awaitResidentMs ?? AWAIT_RESIDENT_MS, now };
    held = (await settle(deps, issuanceId, deps.journal.eventsOf(issuanceId), hold)) ?? held;
  }
  const undelivered = await deliverOutbox(deps);
  return { recovered: open.length, undelivered, ...(held ? { held } : {}) };
}

/**
 * Ends a held transaction the way recovery would have: the first copy not on paper reported failed,
 * every such copy's fee refunded, closed; the results are sent at once (and queued until taken).
 * Returns the yen refunded.
 */
export async function settleHeld(deps: RecoveryDeps, issuanceId: string): Promise<number> {
  // Only what recovery held is settled here: a hold the journal never wrote (a check's stand-in) holds no money.
  if (!deps.journal.eventsOf(issuanceId).some((e) => e.kind === 'awaitingResident')) return 0;
  const before = sumOf(deps.journal.eventsOf(issuanceId), 'refunded');
  await settle(deps, issuanceId, deps.journal.eventsOf(issuanceId), undefined);
  await deliverOutbox(deps);
  return sumOf(deps.journal.eventsOf(issuanceId), 'refunded') - before;
}

function sumOf(events: JournalEvent[], kind: JournalEventKind): number {
  return events.filter((e) => e.kind === kind).reduce((s, e) => s + (e.yen ?? 0), 0);
}

async function settle(
  deps: RecoveryDeps,
  issuanceId: string,
  journaled: JournalEvent[],
  hold: { windowMs: number; now: number } | undefined,
): Promise<HeldTransaction | undefined> {
  const { journal, log } = deps;
  // First what the cash unit did for a payout the crash cut off: what is owed below counts it.
  for (const intent of unfinishedPayouts(journaled)) await askTheUnit(deps, intent);
  const events = journal.eventsOf(issuanceId);
  const sum = (kind: JournalEvent['kind']) => events.filter((e) => e.kind === kind).reduce((s, e) => s + (e.yen ?? 0), 0);
  const paid = events.find((e) => e.kind === 'paid');
  if (!paid) {
    const escrow = sum('cashInserted') - sum('escrowReturned');
    payOut(deps, issuanceId, escrow, 'escrowReturning', 'escrowReturned', 'recovery');
    // A payment started may have been recorded at the center: its cancel (a refund there) goes through the
    // outbox, sent below and again until the center decides. A quote never paid holds no money at the center:
    // one try, and the sweeper voids it otherwise.
    if (events.some((e) => e.kind === 'paymentStarted'))
      journal.queueCancel({ issuanceId, reasonCode: 'ISSUANCE_CENTER_UNREACHABLE', idempotencyKey: randomUUID() });
    else
      await deps.center
        .cancel(issuanceId, 'ISSUANCE_CENTER_UNREACHABLE')
        .catch((e: unknown) => log('cancel failed', { issuance: issuanceId, code: codeOf(e) }));
    journal.record(issuanceId, 'closed', { detail: 'recovered: not paid' });
    log('journal recovery: escrow returned', { issuance: issuanceId, yen: escrow });
    return undefined;
  }
  const detail = paidDetailOf(paid);
  payOut(deps, issuanceId, detail.changeYen - sum('changeDispensed'), 'changeDispensing', 'changeDispensed', 'change');
  const documents = detail.documents;
  const results = new Map(
    events.filter((e) => e.kind === 'printed' || e.kind === 'printFailed' || e.kind === 'printRejected').map((e) => [e.copyIndex, e.kind]),
  );
  const unprinted = documents.filter((d) => results.get(d.copyIndex) !== 'printed');
  const held = hold && holdable(paid, detail, unprinted, results.size - (documents.length - unprinted.length), hold);
  if (held) {
    queueMissingReports(journal, issuanceId, documents, results);
    journal.record(issuanceId, 'awaitingResident', { detail: new Date(held.until).toISOString() });
    log('journal recovery: paid transaction held for its resident', { issuance: issuanceId, unprinted: unprinted.length });
    return held;
  }
  const firstFailure = unprinted[0];
  if (firstFailure && !results.has(firstFailure.copyIndex)) {
    journal.record(issuanceId, 'printFailed', {
      copyIndex: firstFailure.copyIndex,
      issueNumber: firstFailure.issueNumber,
      detail: 'restart',
    });
    results.set(firstFailure.copyIndex, 'printFailed');
  }
  queueMissingReports(journal, issuanceId, documents, results);
  const refund = Math.round((paid.yen! * unprinted.length) / documents.length);
  payOut(deps, issuanceId, refund - sum('refunded'), 'refunding', 'refunded', 'ISSUANCE_PRINT_FAILED');
  journal.record(issuanceId, 'closed', { detail: 'recovered: paid' });
  log('journal recovery: paid transaction settled', {
    issuance: issuanceId,
    printed: documents.length - unprinted.length,
    refundYen: refund,
  });
  return undefined;
}

/**
 * Held only when the resident may still be there and nothing has failed yet: paid within the window,
 * copies left to print, none reported failed or rejected (a failure was already being refunded), and
 * a journal new enough to know the paying card and the payment's key.
 */
function holdable(
  paid: JournalEvent,
  detail: PaidDetail,
  unprinted: JournaledDocument[],
  failures: number,
  hold: { windowMs: number; now: number },
): HeldTransaction | undefined {
  const until = Date.parse(paid.at) + hold.windowMs;
  if (unprinted.length === 0 || failures > 0 || until <= hold.now || !detail.resume) return undefined;
  return { issuanceId: paid.issuanceId, ...detail.resume, totalYen: paid.yen!, unprinted, until };
}

/** Results journaled whose report was never queued (the crash came between the two writes), in copy order. */
function queueMissingReports(
  journal: TransactionJournal,
  issuanceId: string,
  documents: JournaledDocument[],
  results: Map<number | undefined, JournalEventKind>,
): void {
  for (const d of documents) {
    const result = results.get(d.copyIndex);
    if (!result || journal.hasReport(issuanceId, d.issueNumber)) continue;
    const outcome = result === 'printed' ? 'printed' : result === 'printRejected' ? 'rejected' : 'failed';
    const reasonCode = outcome === 'printed' ? undefined : outcome === 'rejected' ? 'ISSUANCE_DOCUMENT_MISMATCH' : 'ISSUANCE_PRINT_FAILED';
    journal.queueReport({
      issuanceId,
      issueNumber: d.issueNumber,
      outcome,
      ...(reasonCode ? { reasonCode } : {}),
      idempotencyKey: randomUUID(),
    });
  }
}

const PAYOUT_RESULT = {
  changeDispensing: 'changeDispensed',
  escrowReturning: 'escrowReturned',
  refunding: 'refunded',
} as const satisfies Partial<Record<JournalEventKind, JournalEventKind>>;
type PayoutIntent = keyof typeof PAYOUT_RESULT;

/** The detail of a payout result journaled from the unit's word after a restart, and from its silence. */
export const FROM_CASH_UNIT = 'cashUnit';
export const CASH_UNIT_UNKNOWN = 'cashUnitUnknown';

/**
 * Payout intents with no result: each result answers the oldest open intent of its kind (a process
 * writes them in order, and recovery answers a dangling one before it pays anything new).
 */
export function unfinishedPayouts(events: JournalEvent[]): JournalEvent[] {
  const open: JournalEvent[] = [];
  for (const e of events) {
    if (e.kind in PAYOUT_RESULT) open.push(e);
    const answered = open.findIndex((i) => PAYOUT_RESULT[i.kind as PayoutIntent] === e.kind);
    if (answered >= 0) open.splice(answered, 1);
  }
  return open;
}

/** The unit's word on an interrupted payout, journaled as its result before anything is paid again. */
async function askTheUnit(deps: RecoveryDeps, intent: JournalEvent): Promise<void> {
  const payoutId = payoutIdOf(intent.issuanceId, intent.seq);
  const outcome = deps.cash?.payoutOutcome ? await deps.cash.payoutOutcome(payoutId) : 'unknown';
  const done = PAYOUT_RESULT[intent.kind as PayoutIntent];
  if (outcome === 'unknown') {
    // Paid again below: a resident must not go unpaid; the cash report names it for the store.
    deps.journal.record(intent.issuanceId, done, { yen: 0, detail: CASH_UNIT_UNKNOWN });
    deps.log('journal recovery: cash unit cannot tell, paying again', { issuance: intent.issuanceId, yen: intent.yen });
    return;
  }
  deps.journal.record(intent.issuanceId, done, { yen: outcome.dispensed, detail: FROM_CASH_UNIT });
  deps.log('journal recovery: cash unit asked', { issuance: intent.issuanceId, owedYen: intent.yen, dispensedYen: outcome.dispensed });
}

/** Write-ahead: the intent, the cash unit's payout under the intent's id, then its result. */
function payOut(
  deps: RecoveryDeps,
  issuanceId: string,
  amount: number,
  intent: 'escrowReturning' | 'changeDispensing' | 'refunding',
  done: 'escrowReturned' | 'changeDispensed' | 'refunded',
  reason: string,
): void {
  if (amount <= 0) return;
  const seq = deps.journal.record(issuanceId, intent, { yen: amount, detail: reason });
  deps.cash?.payOut(yen(amount), reason, payoutIdOf(issuanceId, seq));
  deps.journal.record(issuanceId, done, { yen: amount, detail: reason });
}

export interface JournaledDocument {
  copyIndex: number;
  issueNumber: string;
  documentSha256: string;
}

/** What recognises the resident again after a restart: a digest and a key, never the certificate or a name. */
export interface ResumeDetail {
  authCertificateSha256: string;
  paymentKey: string;
  certificateType: CertificateType;
}

interface PaidDetail {
  changeYen: number;
  documents: JournaledDocument[];
  resume?: ResumeDetail;
}

/** The `paid` event's detail: the change due, every delivered copy (ids, issue numbers, hashes only), and `resume`. */
export function paidDetail(changeYen: number, documents: JournaledDocument[], resume?: ResumeDetail): string {
  return JSON.stringify({ changeYen, documents, ...(resume ? { resume } : {}) });
}

function paidDetailOf(paid: JournalEvent): PaidDetail {
  const parsed = JSON.parse(paid.detail ?? '{}') as Partial<PaidDetail>;
  return {
    changeYen: Number(parsed.changeYen ?? 0),
    documents: parsed.documents ?? [],
    ...(parsed.resume ? { resume: parsed.resume } : {}),
  };
}

/**
 * The journal's outbox: every queued print result, oldest first, then every queued cancel, each with its own
 * idempotency key (a retry the center already took is answered as the first time). A refusal is the center's
 * final word (the issuance was settled otherwise, the sweeper's refund say): it is delivered, not retried
 * forever. Returns how many are still waiting for the center.
 *
 * One issuance's entries reach the center in the order they were queued: once one is kept for the next round,
 * the later ones of its issuance wait too. The center refunds every copy not yet reported when a failure or a
 * cancel arrives, so a copy's `printed` overtaken by them would be refunded to the resident who holds it.
 */
export async function deliverOutbox(deps: Pick<RecoveryDeps, 'journal' | 'center' | 'log'>): Promise<number> {
  return deliverInOrder(deps, outboxEntries(deps));
}

/**
 * Queues one copy's print result and sends its issuance's outbox at once, in queue order: an earlier entry
 * still waiting (copy 1's `printed` whose answer the link lost) goes first, and this one only after the center
 * has decided on it, so copy 2's failure never reaches the center before copy 1's `printed` (the center
 * would refund the printed copy). `journeyMs` goes with this send only: it is not part of the call's
 * identity, and a retry without it gets the first answer. Returns whether the center has decided on every
 * entry of the issuance; if not, the outbox sends them again, in order, with the same keys.
 */
export async function queuePrintResult(
  deps: Pick<RecoveryDeps, 'journal' | 'center' | 'log'>,
  report: PrintReport,
  journeyMs?: number,
): Promise<boolean> {
  deps.journal.queueReport(report);
  const journey = journeyMs === undefined ? undefined : { idempotencyKey: report.idempotencyKey, journeyMs };
  return (await deliverInOrder(deps, outboxEntries(deps, report.issuanceId, journey))) === 0;
}

/**
 * Queues the cancel of an issuance whose payment was started and sends its issuance's outbox at once, in
 * queue order (an earlier print result still waiting goes first). Returns whether the center has decided on
 * it; if not, the outbox sends it again with the same key until it does.
 */
export async function cancelPaid(
  deps: Pick<RecoveryDeps, 'journal' | 'center' | 'log'>,
  issuanceId: string,
  reasonCode: ErrorCode,
): Promise<boolean> {
  deps.journal.queueCancel({ issuanceId, reasonCode, idempotencyKey: randomUUID() });
  return (await deliverInOrder(deps, outboxEntries(deps, issuanceId))) === 0;
}

interface OutboxEntry {
  issuanceId: string;
  idempotencyKey: string;
  what: 'print result' | 'cancel';
  send: () => Promise<unknown>;
}

/** The waiting entries in queue order (print results, then cancels: a cancel follows its issuance's results). */
function outboxEntries(
  deps: Pick<RecoveryDeps, 'journal' | 'center'>,
  onlyIssuance?: string,
  journey?: { idempotencyKey: string; journeyMs: number },
): OutboxEntry[] {
  const { journal, center } = deps;
  const mine = (e: { issuanceId: string }) => onlyIssuance === undefined || e.issuanceId === onlyIssuance;
  const reports = journal.pendingReports().filter(mine);
  const cancels = journal.pendingCancels().filter(mine);
  return [
    ...reports.map(({ issuanceId, issueNumber, outcome, reasonCode, idempotencyKey }): OutboxEntry => {
      const journeyMs = journey?.idempotencyKey === idempotencyKey ? { journeyMs: journey.journeyMs } : {};
      const request = { issueNumber, outcome, ...(reasonCode ? { reasonCode } : {}), ...journeyMs };
      return { issuanceId, idempotencyKey, what: 'print result', send: () => center.printResult(issuanceId, request, idempotencyKey) };
    }),
    ...cancels.map(({ issuanceId, reasonCode, idempotencyKey }): OutboxEntry => ({
      issuanceId,
      idempotencyKey,
      what: 'cancel',
      send: () => center.cancel(issuanceId, reasonCode, idempotencyKey),
    })),
  ];
}

/**
 * Sends the entries one at a time; once one of an issuance is kept, the later ones of that issuance are not
 * sent this round. Two senders at once (the outbox's timer and a session) keep the order too: each sends an
 * entry only after the earlier ones were decided, by it or by the other (then they were no longer waiting).
 * Returns how many are still waiting.
 */
async function deliverInOrder(deps: Pick<RecoveryDeps, 'journal' | 'log'>, entries: OutboxEntry[]): Promise<number> {
  const waitingFor = new Set<string>();
  let waiting = 0;
  for (const { issuanceId, idempotencyKey, what, send } of entries) {
    if (waitingFor.has(issuanceId) || !(await delivered(deps, issuanceId, idempotencyKey, what, send))) {
      waitingFor.add(issuanceId);
      waiting++;
    }
  }
  return waiting;
}

/**
 * One outbox entry sent: true once the center has decided (a 2xx, or a 4xx refusal: the issuance was settled
 * otherwise), and the entry is off the outbox. Kept on any answer that is not a decision: no answer, or a 5xx
 * (a center restarting, its database busy); dropping a 5xx lost a refund's report.
 */
async function delivered(
  deps: Pick<RecoveryDeps, 'journal' | 'log'>,
  issuanceId: string,
  idempotencyKey: string,
  what: string,
  call: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await call();
  } catch (error) {
    const code = codeOf(error);
    if (code === 'INTERNAL' || errorCatalog[code].status >= 500) {
      deps.log(`${what} not delivered yet`, { issuance: issuanceId, code });
      return false;
    }
    deps.log(`${what} refused`, { issuance: issuanceId, code });
  }
  deps.journal.markDelivered(idempotencyKey);
  return true;
}

function codeOf(error: unknown) {
  return error instanceof MadoguchiError ? error.code : 'INTERNAL';
}
