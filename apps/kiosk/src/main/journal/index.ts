/**
 * The kiosk's crash-proof journal (`@madoguchi/kiosk/journal`): money and print steps written
 * before they happen, and what a restarted kiosk does with the unfinished ones.
 */
export {
  TransactionJournal,
  JOURNAL_FILE,
  payoutIdOf,
  type JournalEvent,
  type JournalEventKind,
  type PrintReport,
  type QueuedCancel,
} from './transaction-journal.js';
export { recoverUnfinished, deliverOutbox, type RecoveryDeps } from './crash-recovery.js';
export { dailyCashReport, reconcileWithCashUnit, type DailyCashReport, type CashReconciliation } from './cash-report.js';
export { crashPointFromEnv, type CrashPoint } from './crash-point.js';
export { openKioskJournal, type KioskJournal, type KioskJournalOptions } from './journal-service.js';
