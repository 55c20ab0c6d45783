/**
 * The kiosk's heartbeat (kioskApi.heartbeat): at start and then every minute, its software version,
 * reader, printer and cash unit, the last issuance it printed whole, and its own clock. It runs
 * beside the session, never in its way: a beat waits for nothing a resident does, a slow or failed
 * send is only logged (by code), and the next minute simply sends the kiosk's state again — there
 * is nothing to catch up on, as the center keeps the latest beat only. Beats never overlap.
 */
import type { HeartbeatCashState, HeartbeatReaderState, HeartbeatRequest } from '@madoguchi/shared';
import { MadoguchiError } from '@madoguchi/shared';
import type { PrinterStatus } from '../printer/printer.js';
import { printerStateOf } from './heartbeat-state.js';

export const HEARTBEAT_INTERVAL_MS = 60_000;

export interface HeartbeatPorts {
  /** Sends one heartbeat (the center client's `heartbeat`, which draws its idempotency key). */
  send(request: Omit<HeartbeatRequest, 'idempotencyKey'>): Promise<unknown>;
  printerStatus(): Promise<PrinterStatus>;
  readerStatus(): HeartbeatReaderState;
  cashState(): HeartbeatCashState;
  softwareVersion: string;
  log(event: string, fields?: Record<string, string | number | boolean | undefined>): void;
  now?: () => Date;
  intervalMs?: number;
}

export interface Heartbeat {
  /** A resident's issuance came out whole: the next beats report it. */
  issuancePrinted(at?: Date): void;
  /** Sends one beat now (the timer's work; tests call it). Never rejects. */
  beat(): Promise<void>;
  /** Stops the timer and waits for a beat in flight. */
  stop(): Promise<void>;
}

export function startHeartbeat(ports: HeartbeatPorts): Heartbeat {
  const now = ports.now ?? (() => new Date());
  let lastIssuanceAt: string | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  const send = async (): Promise<void> => {
    try {
      await ports.send({
        sentAt: now().toISOString(),
        softwareVersion: ports.softwareVersion,
        reader: ports.readerStatus(),
        printer: printerStateOf(await ports.printerStatus()),
        cash: ports.cashState(),
        lastIssuanceAt,
      });
    } catch (error) {
      ports.log('heartbeat not sent', { code: error instanceof MadoguchiError ? error.code : 'NETWORK' });
    }
  };
  const beat = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // A beat still on its way (a center timing out) is the beat of this minute too.
    inFlight ??= send().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  void beat();
  const timer = setInterval(() => void beat(), ports.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    issuancePrinted(at = now()) {
      lastIssuanceAt = at.toISOString();
    },
    beat,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
