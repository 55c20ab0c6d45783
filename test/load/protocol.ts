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
   * after payment (refunded); stuck: the journey hung.
   */
  outcome: 'printed' | 'refused' | 'failed' | 'stuck';
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
  { type: 'setup'; setup: KioskProcessSetup } | { type: 'journey'; terminalId: string; journey: Journey } | { type: 'stop' };

export type FromKiosk = { type: 'ready' } | { type: 'result'; result: JourneyResult };
