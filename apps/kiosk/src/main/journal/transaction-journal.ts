/**
 * The kiosk's crash-proof journal of money and print state (issue 13, item 2), one SQLite file on
 * better-sqlite3 in the kiosk's state directory. Every step of a transaction that moves money or
 * paper is written here BEFORE the kiosk acts on it ("about to dispense change 400", then "change
 * dispensed"), so a restarted kiosk knows what was promised and what was done (crash-recovery.ts).
 *
 * WAL with synchronous=FULL for every write, not only the money ones: nearly every row here IS a
 * money or print event (a transaction writes about ten), so an fsync each costs a few milliseconds
 * per customer, and one durability rule is easier to trust than two.
 *
 * It holds issuance ids, yen, copy numbers, issue numbers, document hashes and idempotency keys —
 * never a name, an address, a My Number, a PIN or a PDF.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ErrorCode } from '@madoguchi/shared';
import { crashPointFromEnv, type CrashPoint } from './crash-point.js';

export type JournalEventKind =
  | 'cashInserted'
  | 'paymentStarted'
  | 'paid'
  | 'changeDispensing'
  | 'changeDispensed'
  | 'escrowReturning'
  | 'escrowReturned'
  | 'printing'
  | 'printed'
  | 'printFailed'
  | 'printRejected'
  | 'refunding'
  | 'refunded'
  /** After a restart: paid, copies unprinted, held for the card that paid (crash-recovery.ts); detail: until when. */
  | 'awaitingResident'
  /** The same card came back and was authenticated: the delivery is asked for again, then printed. */
  | 'resumed'
  | 'closed';

export interface JournalEvent {
  seq: number;
  at: string;
  issuanceId: string;
  kind: JournalEventKind;
  yen?: number;
  copyIndex?: number;
  issueNumber?: string;
  documentSha256?: string;
  detail?: string;
}

export interface PrintReport {
  issuanceId: string;
  issueNumber: string;
  outcome: 'printed' | 'failed' | 'rejected';
  reasonCode?: ErrorCode;
  idempotencyKey: string;
}

/**
 * A cancel of an issuance the kiosk may have paid for (a payment started whose answer never came, or was a
 * refusal): the center refunds it if it recorded the payment. Queued in the outbox beside the print results,
 * one per issuance, and sent with the same key until the center decides (crash-recovery.ts deliverOutbox).
 */
export interface QueuedCancel {
  issuanceId: string;
  reasonCode?: ErrorCode;
  idempotencyKey: string;
}

export const JOURNAL_FILE = 'kiosk-journal.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  issuance_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  yen INTEGER,
  copy_index INTEGER,
  issue_number TEXT,
  document_sha256 TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS events_by_issuance ON events (issuance_id, seq);
CREATE TABLE IF NOT EXISTS print_reports (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  issuance_id TEXT NOT NULL,
  issue_number TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason_code TEXT,
  delivered_at TEXT
);
CREATE TABLE IF NOT EXISTS cancels (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  issuance_id TEXT NOT NULL UNIQUE,
  reason_code TEXT,
  delivered_at TEXT
);
`;

type EventRow = {
  seq: number;
  at: string;
  issuance_id: string;
  kind: JournalEventKind;
  yen: number | null;
  copy_index: number | null;
  issue_number: string | null;
  document_sha256: string | null;
  detail: string | null;
};

export class TransactionJournal {
  private readonly db: Database.Database;

  /** Opens (or creates) the journal in `stateDir` (0700), its file 0600. */
  constructor(
    stateDir: string,
    private readonly options: { now?: () => Date; crashPoint?: CrashPoint } = {},
  ) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    chmodSync(stateDir, 0o700);
    const file = join(stateDir, JOURNAL_FILE);
    this.db = new Database(file);
    chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
  }

  static fromEnv(stateDir: string, now?: () => Date): TransactionJournal {
    return new TransactionJournal(stateDir, { ...(now ? { now } : {}), crashPoint: crashPointFromEnv() });
  }

  /** Returns the event's sequence number (a payout intent's names its payout to the cash unit: `payoutIdOf`). */
  record(
    issuanceId: string,
    kind: JournalEventKind,
    fields: Omit<Partial<JournalEvent>, 'seq' | 'at' | 'issuanceId' | 'kind'> = {},
  ): number {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO events (at, issuance_id, kind, yen, copy_index, issue_number, document_sha256, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        (this.options.now?.() ?? new Date()).toISOString(),
        issuanceId,
        kind,
        fields.yen ?? null,
        fields.copyIndex ?? null,
        fields.issueNumber ?? null,
        fields.documentSha256 ?? null,
        fields.detail ?? null,
      );
    this.options.crashPoint?.reached(kind);
    return Number(lastInsertRowid);
  }

  eventsOf(issuanceId: string): JournalEvent[] {
    return this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE issuance_id = ? ORDER BY seq').all(issuanceId).map(toEvent);
  }

  allEvents(): JournalEvent[] {
    return this.db.prepare<[], EventRow>('SELECT * FROM events ORDER BY seq').all().map(toEvent);
  }

  /** Transactions with money or paper in them that never reached `closed`. */
  unfinished(): string[] {
    return this.db
      .prepare<[], { issuance_id: string }>(
        `SELECT issuance_id FROM events GROUP BY issuance_id
         HAVING SUM(kind = 'closed') = 0 AND SUM(kind IN ('cashInserted', 'paymentStarted')) > 0 ORDER BY MIN(seq)`,
      )
      .all()
      .map((r) => r.issuance_id);
  }

  /** Queues a print result for the center; it stays until `markDelivered` (same key on every retry). */
  queueReport(report: PrintReport): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO print_reports (idempotency_key, issuance_id, issue_number, outcome, reason_code)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(report.idempotencyKey, report.issuanceId, report.issueNumber, report.outcome, report.reasonCode ?? null);
    this.options.crashPoint?.reached('reportQueued');
  }

  hasReport(issuanceId: string, issueNumber: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM print_reports WHERE issuance_id = ? AND issue_number = ?').get(issuanceId, issueNumber) !== undefined
    );
  }

  /** The outbox entry with this key (a print result or a cancel: keys are random UUIDs) is off the outbox. */
  markDelivered(idempotencyKey: string): void {
    const at = (this.options.now?.() ?? new Date()).toISOString();
    this.db.prepare('UPDATE print_reports SET delivered_at = ? WHERE idempotency_key = ?').run(at, idempotencyKey);
    this.db.prepare('UPDATE cancels SET delivered_at = ? WHERE idempotency_key = ?').run(at, idempotencyKey);
  }

  /**
   * Queues the cancel of an issuance the kiosk may have paid for; it stays until `markDelivered`. One per
   * issuance: queued again (a restart between this write and `closed`), it is the first one, with its key.
   */
  queueCancel(cancel: QueuedCancel): QueuedCancel {
    this.db
      .prepare('INSERT OR IGNORE INTO cancels (idempotency_key, issuance_id, reason_code) VALUES (?, ?, ?)')
      .run(cancel.idempotencyKey, cancel.issuanceId, cancel.reasonCode ?? null);
    this.options.crashPoint?.reached('cancelQueued');
    const row = this.db.prepare<[string], CancelRow>('SELECT * FROM cancels WHERE issuance_id = ?').get(cancel.issuanceId)!;
    return toCancel(row);
  }

  /** Cancels the center has not decided on yet, oldest first. */
  pendingCancels(): QueuedCancel[] {
    return this.db.prepare<[], CancelRow>('SELECT * FROM cancels WHERE delivered_at IS NULL ORDER BY seq').all().map(toCancel);
  }

  /** Whether the cancel of this issuance is still waiting for the center's answer (false when none was queued). */
  cancelPending(issuanceId: string): boolean {
    return this.db.prepare('SELECT 1 FROM cancels WHERE issuance_id = ? AND delivered_at IS NULL').get(issuanceId) !== undefined;
  }

  /** Undelivered print results, oldest first: a copy's `printed` goes before a later copy's failure. */
  pendingReports(): PrintReport[] {
    return this.db
      .prepare<
        [],
        { idempotency_key: string; issuance_id: string; issue_number: string; outcome: PrintReport['outcome']; reason_code: string | null }
      >('SELECT * FROM print_reports WHERE delivered_at IS NULL ORDER BY seq')
      .all()
      .map((r) => ({
        idempotencyKey: r.idempotency_key,
        issuanceId: r.issuance_id,
        issueNumber: r.issue_number,
        outcome: r.outcome,
        ...(r.reason_code ? { reasonCode: r.reason_code as ErrorCode } : {}),
      }));
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The id a payout intent gives the cash unit (cash-device.ts): unique within the kiosk, and found
 * again from the journal alone after a crash, so recovery can ask the unit what it paid for it.
 */
export function payoutIdOf(issuanceId: string, intentSeq: number): string {
  return `${issuanceId}/${intentSeq}`;
}

type CancelRow = { idempotency_key: string; issuance_id: string; reason_code: string | null };

function toCancel(r: CancelRow): QueuedCancel {
  return {
    issuanceId: r.issuance_id,
    ...(r.reason_code ? { reasonCode: r.reason_code as ErrorCode } : {}),
    idempotencyKey: r.idempotency_key,
  };
}

function toEvent(r: EventRow): JournalEvent {
  return {
    seq: r.seq,
    at: r.at,
    issuanceId: r.issuance_id,
    kind: r.kind,
    ...(r.yen !== null ? { yen: r.yen } : {}),
    ...(r.copy_index !== null ? { copyIndex: r.copy_index } : {}),
    ...(r.issue_number !== null ? { issueNumber: r.issue_number } : {}),
    ...(r.document_sha256 !== null ? { documentSha256: r.document_sha256 } : {}),
    ...(r.detail !== null ? { detail: r.detail } : {}),
  };
}
