/**
 * CardTransport over pcscd with the npm `pcsclite` binding. Notes from docs/jpki-card.md#pcsclite that shape it:
 * - The first 'status' of an empty reader looks like a removal: only state transitions count.
 * - If pcscd restarts, the binding never recovers: its status threads end with an error. We then
 *   close everything, say 'reconnecting', and recreate the context until pcscd answers again.
 * - connect() is exclusive; disconnect leaves the card powered unless asked to reset it.
 * - A command cannot be cancelled: SCardTransmit holds the binding's per-reader lock (and a libuv
 *   worker thread) until the card or reader answers. A command given up on is left to end by
 *   itself; only then is its session reset and disconnected, and only then may the next connect
 *   start — never a second call queued behind it on the lock, and never a late answer read as
 *   the answer to a later command.
 */
import { createRequire } from 'node:module';
import type { CardLog } from './card-service.js';
import { untilAborted } from './deadline.js';
import { Listeners } from './listeners.js';
import {
  TransportError,
  type CardConnection,
  type CardTransport,
  type CardTransportEvents,
  type ReaderStatus,
  type TransportFailure,
} from './transport.js';

// pcsclite is CommonJS; these are the parts of its API we use (its own typings use `export =`).
const require = createRequire(import.meta.url);
interface PcscReader {
  name: string;
  SCARD_SHARE_EXCLUSIVE: number;
  SCARD_LEAVE_CARD: number;
  SCARD_RESET_CARD: number;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  connect(options: { share_mode?: number }, callback: (error: unknown, protocol: number) => void): void;
  disconnect(disposition: number, callback: (error: unknown) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: (error: unknown, data: Buffer) => void): void;
  close(): void;
}
interface PcscContext {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'reader', listener: (reader: PcscReader) => void): unknown;
  removeAllListeners(): unknown;
  close(): void;
}
export type PcscLiteFactory = () => PcscContext;

export interface PcscTransportOptions {
  /** Use only readers whose name matches (default: every reader; the first with a card is used). */
  readerName?: RegExp;
  log?: CardLog;
  /** How often to retry a lost pcscd (default 250 ms). */
  retryIntervalMs?: number;
  /** How long a card that was present when pcscd went away may take to reappear (default 2000 ms). */
  reappearGraceMs?: number;
  /** The binding, injectable for tests. */
  pcsclite?: PcscLiteFactory;
}

interface ReaderEntry {
  reader: PcscReader;
  present: boolean;
  atr?: Uint8Array;
}

const PRESENT = 0x20; // SCARD_STATE_PRESENT
const EMPTY = 0x10; // SCARD_STATE_EMPTY

/** PC/SC result code from the binding's message, e.g. "SCardTransmit error: Card was removed.(0x80100069)". */
export function pcscErrorCode(error: unknown): number | undefined {
  const match = /\(0x([0-9a-f]{8})\)/i.exec(error instanceof Error ? error.message : String(error));
  return match ? Number.parseInt(match[1]!, 16) : undefined;
}

export function classifyPcscError(error: unknown): TransportFailure {
  switch (pcscErrorCode(error)) {
    case 0x80100069: // SCARD_W_REMOVED_CARD
    case 0x80100068: // SCARD_W_RESET_CARD: someone reset it; its state (verified PIN) is gone
      return 'cardRemoved';
    case 0x8010000c: // SCARD_E_NO_SMARTCARD
      return 'noCard';
    case 0x8010000b: // SCARD_E_SHARING_VIOLATION
      return 'busy';
    case 0x80100003: // SCARD_E_INVALID_HANDLE (context died with pcscd)
    case 0x80100009: // SCARD_E_UNKNOWN_READER
    case 0x80100017: // SCARD_E_READER_UNAVAILABLE
    case 0x8010001d: // SCARD_E_NO_SERVICE
    case 0x8010001e: // SCARD_E_SERVICE_STOPPED
    case 0x8010002e: // SCARD_E_NO_READERS_AVAILABLE
      return 'readerUnavailable';
    default:
      return 'other';
  }
}

function transmitOn(reader: PcscReader, protocol: number, command: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // A Buffer view over the caller's bytes (no copy), so wiping the APDU wipes what we handed over.
    const view = Buffer.from(command.buffer, command.byteOffset, command.byteLength);
    reader.transmit(view, 258 + 2, protocol, (error: unknown, data: Buffer) => {
      if (error) reject(error);
      else resolve(new Uint8Array(data));
    });
  });
}

function releaseReader(reader: PcscReader, disposition: number): Promise<void> {
  return new Promise<void>((resolve) => {
    reader.disconnect(disposition, () => resolve());
  });
}

/** What an open session needs from its transport. */
interface SessionHooks {
  /** Lets the next connect start. */
  free(): void;
  /** Ends the session after `pending` (an abandoned call) settles, without anyone waiting on it. */
  windDown(pending: Promise<unknown>, after: () => Promise<void>): void;
  /** What a failed command is reported as, once the reader state says whether the card was pulled. */
  settle(error: unknown): Promise<TransportError>;
  log: CardLog;
}

/** One exclusive connection to the card on `reader`. */
function pcscSession(reader: PcscReader, protocol: number, hooks: SessionHooks): CardConnection {
  const { free, windDown, settle, log } = hooks;
  let open = true;
  /** The command given up on, still running in the binding; set at most once per session. */
  let abandoned: Promise<unknown> | undefined;
  return {
    async transmit(command, transmitOptions) {
      const commandSignal = transmitOptions?.signal;
      if (!open) throw new TransportError('other', 'session closed');
      if (abandoned) throw new TransportError('other', 'an earlier command went unanswered: this session takes no more');
      commandSignal?.throwIfAborted();
      const pending = transmitOn(reader, protocol, command);
      let answer: Uint8Array;
      try {
        answer = await untilAborted(pending, commandSignal);
      } catch (error) {
        if (commandSignal?.aborted) {
          abandoned = pending;
          log('pcsc.abandoned', { reader: reader.name });
          throw error;
        }
        throw await settle(error);
      }
      if (answer.length < 2) throw await settle(new Error('answer without a status word'));
      return answer;
    },
    async disconnect(opts) {
      if (!open) return;
      open = false;
      if (abandoned) {
        // The card's state after a half-run command is unknown: reset it, once the command ends.
        windDown(abandoned, () => releaseReader(reader, reader.SCARD_RESET_CARD));
        return;
      }
      free();
      await releaseReader(reader, opts?.reset ? reader.SCARD_RESET_CARD : reader.SCARD_LEAVE_CARD);
    },
  };
}

// eslint-disable-next-line max-lines-per-function -- a factory: its short methods share the context, readers, status and open session
export function createPcscTransport(options: PcscTransportOptions = {}): CardTransport {
  const pcsclite: PcscLiteFactory = options.pcsclite ?? (require('pcsclite') as PcscLiteFactory);
  const log: CardLog = options.log ?? (() => {});
  const retryMs = options.retryIntervalMs ?? 250;
  const listeners = new Listeners<CardTransportEvents>();
  const readers = new Map<string, ReaderEntry>();
  let context: PcscContext | undefined;
  let status: ReaderStatus = 'noReader';
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let inUse = false;
  /** A session whose abandoned command has not ended yet: its reset and disconnect follow that. */
  let windingDown: Promise<void> | undefined;

  const setStatus = (next: ReaderStatus) => {
    if (next === status) return;
    status = next;
    log('pcsc.status', { status });
    listeners.emit('readerStatus', status);
  };
  const anyPresent = () => [...readers.values()].some((r) => r.present);
  const settleStatus = () => {
    if (context) setStatus(readers.size > 0 ? 'ready' : 'noReader');
  };

  /**
   * The binding emits a reader's 'error' and 'end' while holding that reader's mutex, and close()
   * takes the same mutex: closing from inside those callbacks deadlocks the main thread. So every
   * close happens on a later turn of the event loop.
   */
  const closeLater = (target: { close(): void }) =>
    setImmediate(() => {
      try {
        target.close();
      } catch {
        // already closed by the binding
      }
    });

  const dropReader = (name: string, quiet = false) => {
    const entry = readers.get(name);
    if (!entry) return;
    readers.delete(name);
    closeLater(entry.reader);
    if (entry.present && !anyPresent() && !quiet) listeners.emit('cardRemoved');
  };

  const teardown = () => {
    for (const name of [...readers.keys()]) dropReader(name, true);
    const old = context;
    context = undefined;
    if (old) {
      old.removeAllListeners();
      old.on('error', () => {}); // a late error from the dying status thread must not be unhandled
      closeLater(old);
    }
  };

  /**
   * A card that was on the reader when pcscd went away. If it is there again once readers are back,
   * the session goes on without a removal/insertion (every authentication re-reads the certificate
   * anyway); if it is not back within the grace period, that is a removal.
   */
  let cardBeforeLoss = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const reappearGraceMs = options.reappearGraceMs ?? 2000;

  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      start();
    }, retryMs);
  };

  /**
   * pcscd went away: recreate the context until it answers. `from` is the context whose thread
   * failed. The guard is "is that the live context", not the status: a fresh context stays
   * 'reconnecting' until its readers are listed, and if it dies in that window (it reached a pcscd
   * that was still shutting down) it must be retried like any other. Errors from a context already
   * torn down (its context and reader threads all fail together) are ignored, and so is a loss
   * while a retry is already scheduled.
   */
  const recover = (reason: string, from: PcscContext) => {
    if (closed || from !== context || retryTimer !== undefined) return;
    log('pcsc.lost', { reason });
    cardBeforeLoss ||= anyPresent();
    clearTimeout(graceTimer);
    teardown();
    setStatus('reconnecting');
    scheduleRetry();
  };

  function start(): void {
    if (closed) return;
    let next: PcscContext;
    try {
      next = pcsclite();
    } catch {
      // SCardEstablishContext fails while pcscd is down.
      if (status !== 'reconnecting') setStatus('reconnecting');
      scheduleRetry();
      return;
    }
    context = next;
    next.on('error', (error: unknown) => recover(error instanceof Error ? error.message : String(error), next));
    next.on('reader', (reader: PcscReader) => {
      if (context !== next) return closeLater(reader);
      if (options.readerName && !options.readerName.test(reader.name)) return closeLater(reader);
      const entry: ReaderEntry = { reader, present: false };
      readers.set(reader.name, entry);
      log('pcsc.reader', { reader: reader.name });
      settleStatus();
      reader.on('error', (error: unknown) => {
        log('pcsc.readerError', { reader: reader.name, code: pcscErrorCode(error) });
        // The status thread has ended: without it we are blind. Rebuild everything.
        if (readers.get(reader.name) === entry) recover('reader status failed', next);
      });
      reader.on('end', () => {
        if (readers.get(reader.name) === entry) {
          dropReader(reader.name);
          settleStatus();
        }
      });
      reader.on('status', (s: { state: number; atr?: Buffer }) => {
        const present = (s.state & PRESENT) !== 0 && (s.state & EMPTY) === 0;
        if (readers.get(reader.name) === entry) entry.atr = present && s.atr?.length ? new Uint8Array(s.atr) : undefined;
        if (present === entry.present || readers.get(reader.name) !== entry) return;
        const before = anyPresent();
        entry.present = present;
        if (present && !before) {
          if (cardBeforeLoss) {
            cardBeforeLoss = false;
            clearTimeout(graceTimer);
            log('pcsc.cardBack');
          } else listeners.emit('cardInserted');
        }
        if (!present && before && !anyPresent()) listeners.emit('cardRemoved');
      });
    });
    // The binding only emits 'reader' events, on a later turn: decide "no reader" only after a
    // moment, so a recovering kiosk does not flash "no reader" before its readers are listed.
    setTimeout(() => {
      if (context !== next) return;
      settleStatus();
      if (cardBeforeLoss) {
        graceTimer = setTimeout(() => {
          if (cardBeforeLoss && !anyPresent()) listeners.emit('cardRemoved');
          cardBeforeLoss = false;
        }, reappearGraceMs);
      }
    }, 300);
  }

  start();

  return {
    get readerStatus() {
      return status;
    },
    get cardPresent() {
      return anyPresent();
    },
    get cardAtr() {
      return [...readers.values()].find((r) => r.present)?.atr;
    },
    on: (event, listener) => listeners.on(event, listener),

    async connect(connectOptions): Promise<CardConnection> {
      const signal = connectOptions?.signal;
      if (windingDown) await untilAborted(windingDown, signal);
      signal?.throwIfAborted();
      if (!context || status !== 'ready') throw new TransportError('readerUnavailable', `reader ${status}`);
      const entry = [...readers.values()].find((r) => r.present);
      if (!entry) throw new TransportError('noCard', 'no card on any reader');
      if (inUse) throw new TransportError('busy', 'a card session is already open');
      const { reader } = entry;
      /** Ends a session after `pending` (an abandoned call) settles, without anyone waiting on it. */
      const windDown = (pending: Promise<unknown>, after: () => Promise<void>) => {
        const done: Promise<void> = pending
          .then(after, after)
          .catch(() => undefined)
          .finally(() => {
            inUse = false;
            if (windingDown === done) windingDown = undefined;
            log('pcsc.woundDown', { reader: reader.name });
          });
        windingDown = done;
      };
      const failure = (error: unknown) => {
        const kind = classifyPcscError(error);
        return new TransportError(
          kind === 'other' && !entry.present ? 'cardRemoved' : kind,
          error instanceof Error ? error.message : String(error),
        );
      };
      /**
       * vpcd reports a card pulled mid-APDU as an empty answer or a failed transaction, and pcscd
       * notices the removal only at its next presence poll (~0.4 s): wait for the reader state
       * before deciding between "removed" and "card error".
       */
      const settle = async (error: unknown): Promise<TransportError> => {
        const deadline = Date.now() + 1000;
        while (entry.present && readers.get(reader.name) === entry && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        if (readers.get(reader.name) !== entry && status !== 'ready')
          return new TransportError('readerUnavailable', 'reader gone during the command');
        return failure(error);
      };
      inUse = true;
      const connecting = new Promise<number>((resolve, reject) => {
        reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE }, (error: unknown, p: number) =>
          error ? reject(failure(error)) : resolve(p),
        );
      });
      let protocol: number;
      try {
        protocol = await untilAborted(connecting, signal);
      } catch (error) {
        // Given up on while connecting: a handle that arrives later is handed straight back.
        if (signal?.aborted) windDown(connecting, () => releaseReader(reader, reader.SCARD_RESET_CARD));
        else inUse = false;
        throw error;
      }
      const free = () => {
        inUse = false;
      };
      return pcscSession(reader, protocol, { free, windDown, settle, log });
    },

    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(graceTimer);
      teardown();
      listeners.clear();
    },
  };
}
