/**
 * The journal as the real kiosk runs it (kiosk-main.ts): opened in the kiosk's state directory,
 * the previous run's unfinished transactions settled BEFORE the first customer, and the outbox —
 * print results, and cancels of issuances whose payment was started — sent again on a timer until
 * the center decides on each (crash-recovery.ts deliverOutbox).
 *
 * The rule while results wait for an unreachable center: the kiosk serves customers. Everything
 * the kiosk owed a resident (escrow, change, refunds) was paid from the cash box during recovery,
 * which needs no center; what waits is only the center's record of an earlier issuance (a print
 * result, or the cancel that refunds a payment it may have recorded while its answer was lost), sent under
 * its own idempotency key whenever the center answers. A new customer needs the center anyway (the
 * card is authenticated there), so a kiosk whose center is down takes no money meanwhile.
 *
 * Logs counts and issuance ids only, never a name, address, My Number or PIN.
 */
import type { SessionDeps, SessionLog } from '../session/ports.js';
import type { CashDevice } from '../payment/cash-device.js';
import { deliverOutbox, recoverUnfinished, type HeldTransaction } from './crash-recovery.js';
import { TransactionJournal } from './transaction-journal.js';

/** How often the outbox (undelivered print results and cancels) is sent again, by default. */
export const PRINT_RESULT_RETRY_MS = 30_000;

export interface KioskJournalOptions {
  stateDir: string;
  center: Pick<SessionDeps['center'], 'printResult' | 'cancel'>;
  cash: Pick<CashDevice, 'payOut' | 'payoutOutcome'> | undefined;
  log: SessionLog;
  retryMs?: number;
  /** How long a paid, unprinted transaction waits for its resident (crash-recovery.ts AWAIT_RESIDENT_MS by default). */
  awaitResidentMs?: number;
}

export interface KioskJournal {
  journal: TransactionJournal;
  /** The transaction recovery held for its resident: the session shows it on the start screen (KioskSession.awaitResident). */
  held?: HeldTransaction;
  close(): void;
}

export async function openKioskJournal(options: KioskJournalOptions): Promise<KioskJournal> {
  const { center, cash, log } = options;
  // The crash point is the test-only MADOGUCHI_JOURNAL_CRASH_AT (crash-point.ts); unset on a real kiosk.
  const journal = TransactionJournal.fromEnv(options.stateDir);
  let held: HeldTransaction | undefined;
  try {
    const recovery = await recoverUnfinished(
      { journal, center, cash, log },
      options.awaitResidentMs !== undefined ? { awaitResidentMs: options.awaitResidentMs } : {},
    );
    held = recovery.held;
    log('journal recovery done', { recovered: recovery.recovered, undelivered: recovery.undelivered, held: held !== undefined });
  } catch (error) {
    // A cash unit that fails mid-payout leaves the intent without its result: the next start pays it.
    log('journal recovery failed', { message: error instanceof Error ? error.message : 'unknown' });
  }
  let sending = false;
  const timer = setInterval(() => {
    if (sending || (journal.pendingReports().length === 0 && journal.pendingCancels().length === 0)) return;
    sending = true;
    deliverOutbox({ journal, center, log })
      .then((waiting) => log('outbox retried', { waiting }))
      .catch((error: unknown) => log('outbox retry failed', { message: error instanceof Error ? error.message : 'unknown' }))
      .finally(() => (sending = false));
  }, options.retryMs ?? PRINT_RESULT_RETRY_MS);
  // The retries never keep a kiosk process alive on their own.
  timer.unref();
  return {
    journal,
    ...(held ? { held } : {}),
    close() {
      clearInterval(timer);
      journal.close();
    },
  };
}
