/**
 * What a restarted kiosk does with the transactions the journal shows unfinished. The rule
 * (ARCHITECTURE.md, "One issuance"): after a restart the resident's session is gone — the card, the
 * PIN, the documents were in memory only — so the kiosk NEVER prints after a restart. It finishes
 * the money instead, the same way the running session would have on a failure:
 *
 * - not paid (cash in escrow, the center never answered, or answered and the answer was lost):
 *   the escrow goes back and the issuance is cancelled at the center (voided, or refunded if it
 *   had recorded the payment) — the escrow rule of payment/escrow-payment.ts;
 * - paid: change not yet dispensed is dispensed; every copy journaled `printed` is reported
 *   printed; the first copy not on paper is reported `failed` (the center then refunds the rest)
 *   and the fee of every copy not on paper is refunded from the cash box.
 *
 * A step whose intent is journaled but not its result ("about to print copy 2", "about to refund
 * 300") is taken as NOT done: the intent is written immediately before the device call, and the
 * only window where that is wrong is the device call itself. The daily cash report
 * (cash-report.ts) against the cash unit's own counters shows such a rare case to the store.
 * Each copy ends either printed or refunded, never both, never neither.
 *
 * Why a crash inside the cash unit's call cannot be settled from the journal alone (issue 13): the
 * coins leave in the unit, outside this process, and the only durable witness of whether they did
 * is the unit. Moving the journal write cannot close the window, only choose its error: written
 * before the call, a crash reads "not done" and pays again (both); written after, it reads "done"
 * and a resident who got nothing stays unpaid (neither). Settling it needs the unit to take part —
 * a payout the unit itself remembers by an id we give it (asked again after a restart), or a
 * dispensed-total counter it keeps across a power cut, read into the intent (`before`) and again at
 * restart: `before + yen` done, `before` not done, between them a part paid (a jam), the rest owed.
 * `CashDevice.payOut` is fire-and-forget and the one unit here is simulated, so either rule would
 * rest on a guarantee we would be inventing (is the counter written before or after the coins drop?
 * does it survive power loss?); it belongs with a real unit's driver and its protocol's documented
 * counters, as a `CashDevice` method recovery asks before paying again.
 */
import { randomUUID } from 'node:crypto';
import { MadoguchiError, yen } from '@madoguchi/shared';
import type { SessionDeps, SessionLog } from '../session/ports.js';
import type { CashDevice } from '../payment/cash-device.js';
import type { JournalEvent, TransactionJournal } from './transaction-journal.js';

type Center = Pick<SessionDeps['center'], 'printResult' | 'cancel'>;

export interface RecoveryDeps {
  journal: TransactionJournal;
  center: Center;
  cash: Pick<CashDevice, 'payOut'> | undefined;
  log: SessionLog;
}

/** Settles every unfinished transaction, then delivers the queued print results. */
export async function recoverUnfinished(deps: RecoveryDeps): Promise<{ recovered: number; undelivered: number }> {
  const open = deps.journal.unfinished();
  for (const issuanceId of open) await settle(deps, issuanceId, deps.journal.eventsOf(issuanceId));
  const undelivered = await deliverPrintReports(deps);
  return { recovered: open.length, undelivered };
}

async function settle(deps: RecoveryDeps, issuanceId: string, events: JournalEvent[]): Promise<void> {
  const { journal, log } = deps;
  const sum = (kind: JournalEvent['kind']) => events.filter((e) => e.kind === kind).reduce((s, e) => s + (e.yen ?? 0), 0);
  const paid = events.find((e) => e.kind === 'paid');
  if (!paid) {
    const escrow = sum('cashInserted') - sum('escrowReturned');
    payOut(deps, issuanceId, escrow, 'escrowReturning', 'escrowReturned', 'recovery');
    await deps.center
      .cancel(issuanceId, 'ISSUANCE_CENTER_UNREACHABLE')
      .catch((e: unknown) => log('cancel failed', { issuance: issuanceId, code: codeOf(e) }));
    journal.record(issuanceId, 'closed', { detail: 'recovered: not paid' });
    log('journal recovery: escrow returned', { issuance: issuanceId, yen: escrow });
    return;
  }
  const change = Number(JSON.parse(paid.detail ?? '{}').changeYen ?? 0);
  payOut(deps, issuanceId, change - sum('changeDispensed'), 'changeDispensing', 'changeDispensed', 'change');
  const documents = documentsOf(paid);
  const results = new Map(
    events.filter((e) => e.kind === 'printed' || e.kind === 'printFailed' || e.kind === 'printRejected').map((e) => [e.copyIndex, e.kind]),
  );
  const unprinted = documents.filter((d) => results.get(d.copyIndex) !== 'printed');
  const firstFailure = unprinted[0];
  if (firstFailure && !results.has(firstFailure.copyIndex)) {
    journal.record(issuanceId, 'printFailed', {
      copyIndex: firstFailure.copyIndex,
      issueNumber: firstFailure.issueNumber,
      detail: 'restart',
    });
    results.set(firstFailure.copyIndex, 'printFailed');
  }
  // Results journaled whose report was never queued (the crash came between the two writes), in copy order.
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
  const refund = Math.round((paid.yen! * unprinted.length) / documents.length);
  payOut(deps, issuanceId, refund - sum('refunded'), 'refunding', 'refunded', 'ISSUANCE_PRINT_FAILED');
  journal.record(issuanceId, 'closed', { detail: 'recovered: paid' });
  log('journal recovery: paid transaction settled', {
    issuance: issuanceId,
    printed: documents.length - unprinted.length,
    refundYen: refund,
  });
}

/** Write-ahead: the intent, the cash unit's payout, then its result. */
function payOut(
  deps: RecoveryDeps,
  issuanceId: string,
  amount: number,
  intent: 'escrowReturning' | 'changeDispensing' | 'refunding',
  done: 'escrowReturned' | 'changeDispensed' | 'refunded',
  reason: string,
): void {
  if (amount <= 0) return;
  deps.journal.record(issuanceId, intent, { yen: amount, detail: reason });
  deps.cash?.payOut(yen(amount), reason);
  deps.journal.record(issuanceId, done, { yen: amount, detail: reason });
}

export interface JournaledDocument {
  copyIndex: number;
  issueNumber: string;
  documentSha256: string;
}

/** The `paid` event's detail: the change due and every delivered copy (ids, issue numbers, hashes only). */
export function paidDetail(changeYen: number, documents: JournaledDocument[]): string {
  return JSON.stringify({ changeYen, documents });
}

function documentsOf(paid: JournalEvent): JournaledDocument[] {
  return (JSON.parse(paid.detail ?? '{}') as { documents?: JournaledDocument[] }).documents ?? [];
}

/**
 * Sends every queued print result, oldest first, each with its own idempotency key (a retry the
 * center already took is answered as the first time). A refusal is the center's final word (the
 * issuance was settled otherwise, the sweeper's refund say): it is delivered, not retried forever.
 * Returns how many are still waiting for the center.
 */
export async function deliverPrintReports(deps: Pick<RecoveryDeps, 'journal' | 'center' | 'log'>): Promise<number> {
  let waiting = 0;
  for (const report of deps.journal.pendingReports()) {
    try {
      await deps.center.printResult(
        report.issuanceId,
        { issueNumber: report.issueNumber, outcome: report.outcome, ...(report.reasonCode ? { reasonCode: report.reasonCode } : {}) },
        report.idempotencyKey,
      );
      deps.journal.markDelivered(report.idempotencyKey);
    } catch (error) {
      const code = codeOf(error);
      if (code === 'ISSUANCE_CENTER_UNREACHABLE' || code === 'INTERNAL') {
        waiting++;
        deps.log('print result not delivered yet', { issuance: report.issuanceId, code });
        continue;
      }
      deps.log('print result refused', { issuance: report.issuanceId, code });
      deps.journal.markDelivered(report.idempotencyKey);
    }
  }
  return waiting;
}

function codeOf(error: unknown) {
  return error instanceof MadoguchiError ? error.code : 'INTERNAL';
}
