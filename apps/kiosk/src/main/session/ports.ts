/** What the session needs from the rest of the main process; each is a real module in production. */
import type { KeyObject } from 'node:crypto';
import type { CardService } from '../card/card-service.js';
import type { CenterClient } from '../center/center-client.js';
import type { Printer } from '../printer/spool-printer.js';

export type CardPort = Pick<CardService, 'on' | 'readCardInfo' | 'authenticate' | 'cardPresent' | 'readerStatus'>;

export interface DemoCardPort {
  cards: { cardId: string; label: string }[];
  place(cardId: string): Promise<void>;
  remove(): Promise<void>;
}

export type SessionLog = (event: string, fields?: Record<string, string | number | boolean | undefined>) => void;

export interface SessionDeps {
  card: CardPort;
  center: Pick<CenterClient, 'challenge' | 'authenticate' | 'applyDomicileRegistration' | 'quote' | 'pay' | 'printResult' | 'cancel'>;
  printer: Printer;
  centerPublicKey: () => Promise<KeyObject>;
  demo?: DemoCardPort;
  log: SessionLog;
  /** Resets to idle after this long without a touch (nothing of a customer survives). */
  idleTimeoutMs?: number;
  now?: () => Date;
}
