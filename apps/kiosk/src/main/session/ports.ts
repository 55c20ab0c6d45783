/** What the session needs from the rest of the main process; each is a real module in production. */
import type { KeyObject } from 'node:crypto';
import type { CardService } from '../card/card-service.js';
import type { CenterClient } from '../center/center-client.js';
import type { CashDevice } from '../payment/cash-device.js';
import type { Printer } from '../printer/spool-printer.js';

export type CardPort = Pick<CardService, 'on' | 'readCardInfo' | 'authenticate' | 'authenticateOnPhone' | 'cardPresent' | 'readerStatus'>;

export interface DemoCardPort {
  cards: { cardId: string; label: string }[];
  place(cardId: string): Promise<void>;
  remove(): Promise<void>;
}

/** Demo mode only: the demo panel's coin slot into the simulated cash acceptor. */
export interface DemoCashPort {
  insert(yen: number): void;
}

export type SessionLog = (event: string, fields?: Record<string, string | number | boolean | undefined>) => void;

export interface SessionDeps {
  card: CardPort;
  center: Pick<CenterClient, 'challenge' | 'authenticate' | 'applyDomicileRegistration' | 'quote' | 'pay' | 'printResult' | 'cancel'>;
  printer: Printer;
  centerPublicKey: () => Promise<KeyObject>;
  /** The cash acceptor: the only source of money. Without one the session takes no cash. */
  cash?: CashDevice;
  demo?: DemoCardPort;
  demoCash?: DemoCashPort;
  log: SessionLog;
  /** Resets to idle after this long without a touch (nothing of a customer survives). */
  idleTimeoutMs?: number;
  /** For this long before that reset a warning counts down and offers to continue (30 s by default). */
  idleWarningMs?: number;
  now?: () => Date;
}
