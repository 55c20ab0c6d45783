/** The messages between run.ts and its kiosk processes (kiosk-process.ts), over the fork's IPC channel. */
import type { CertificateOptions, CertificateType } from '@madoguchi/shared';
import type { LoadCard } from './world.js';

export interface KioskSlot {
  terminalId: string;
  certPem: string;
  keyPem: string;
  /** The kiosk's own state directory: its journal and spool. */
  stateDir: string;
  /** Where the demo printer puts each printed copy, for the document check. */
  trayDir: string;
}

export interface KioskProcessSetup {
  baseUrls: string[];
  caPem: string;
  kiosks: KioskSlot[];
  /**
   * How long a restarted kiosk holds a paid, unprinted transaction for the card that paid
   * (crash-recovery.ts; AWAIT_RESIDENT_MS, 5 min, when unset).
   */
  awaitResidentMs?: number;
}

export interface Journey {
  id: number;
  scenario: string;
  card: LoadCard;
  certificateType: CertificateType;
  options: CertificateOptions;
  copies: number;
  /** Hold on the options screen until this instant (epoch ms), then confirm: requests in the same second. */
  confirmAt?: number;
  /** The first payment answer is lost after the center committed it: the kiosk retries with the same key. */
  losePayAnswer?: boolean;
}

export interface JourneyResult {
  id: number;
  scenario: string;
  residentId: string;
  certificateType: CertificateType;
  terminalId: string;
  /**
   * printed: the done screen; refused: the center (or the menu) refused before money; failed: an error
   * after payment (refunded); stuck: the journey hung; interrupted: its kiosk process was killed
   * (kill -9) and the restarted kiosk held nothing paid for it (what the journal recovered is judged
   * by the invariants).
   */
  outcome: 'printed' | 'refused' | 'failed' | 'stuck' | 'interrupted';
  /** A journey whose kiosk was killed after its payment: the resident came back with the card, or left (refunded). */
  resumed?: 'returned' | 'left';
  code?: string;
  detail?: string;
  startedAt: number;
  confirmedAt?: number;
  endedAt: number;
  paidYen?: number;
  refundYen?: number;
  copies?: number;
  printed: { issuanceId: string; copyIndex: number; file: string }[];
}

export type ToKiosk =
  | { type: 'setup'; setup: KioskProcessSetup }
  | { type: 'journey'; terminalId: string; journey: Journey }
  /** The process kills itself (SIGKILL) at the next copy any of its kiosks is about to print: paid, not printed. */
  | { type: 'crashAtNextPrint' }
  /** After a restart: the held transaction of this kiosk ends with its resident coming back with `journey.card`, or not. */
  | { type: 'resume'; terminalId: string; journey: Journey; returns: boolean }
  | { type: 'stop' };

export type FromKiosk =
  /** `held`: the kiosks whose journal recovery held a paid, unprinted transaction (after a restart). */
  | { type: 'ready'; held: { terminalId: string; issuanceId: string }[] }
  /** A journey's payment is being asked for: which issuance it is (to attribute its printed copies after a kill). */
  | { type: 'paying'; journeyId: number; issuanceId: string }
  | { type: 'result'; result: JourneyResult };
