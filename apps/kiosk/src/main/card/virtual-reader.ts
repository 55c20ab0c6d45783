/**
 * An in-process card reader for the demo and unit tests: the same card applet that runs behind
 * vsmartcard-vpcd, driven directly. It imports no card implementation; anything with power, ATR and
 * transmit fits (structurally, @madoguchi/card-sim's VirtualJpkiCard).
 */
import { untilAborted } from './deadline.js';
import { Listeners } from './listeners.js';
import { TransportError, type CardConnection, type CardTransport, type CardTransportEvents, type ReaderStatus } from './transport.js';

export interface SimulatedCard {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  reset(): Uint8Array;
  /** A promise lets a test card answer late, or never. */
  transmit(command: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface VirtualReader {
  transport: CardTransport;
  /** Places a card on the reader (a card already there is taken away first). */
  insert(card: SimulatedCard): void;
  remove(): void;
  readonly card: SimulatedCard | undefined;
  /** Simulates the reader itself disappearing (USB unplugged) and coming back. */
  setReaderConnected(connected: boolean): void;
}

/** What a session needs from its reader. */
interface SessionHooks {
  /** Throws when the reader or the session's card has gone. */
  check(): void;
  /** Whether the session's card is still the one on the reader. */
  held(): boolean;
  /** Lets the next connect start. */
  release(): void;
}

/** One session with the card `current`; it ends when that card leaves, even if another comes. */
function virtualSession(current: SimulatedCard, hooks: SessionHooks): CardConnection {
  const { check, held, release } = hooks;
  // Set once a command is given up on: whatever the card answers to it later is never read.
  let abandoned = false;
  return {
    async transmit(command, transmitOptions) {
      const signal = transmitOptions?.signal;
      if (abandoned) throw new TransportError('other', 'an earlier command went unanswered: this session takes no more');
      signal?.throwIfAborted();
      check();
      // Yield like a real reader does, so removal between APDUs is observable.
      await new Promise<void>((resolve) => setImmediate(resolve));
      check();
      let answer: Uint8Array | undefined;
      let fault: unknown;
      const copy = Uint8Array.from(command);
      try {
        answer = await untilAborted(
          Promise.resolve().then(() => current.transmit(copy)),
          signal,
        );
      } catch (error) {
        if (signal?.aborted) {
          abandoned = true;
          throw error;
        }
        fault = error;
      } finally {
        copy.fill(0); // it may hold PIN digits
      }
      // Removed while the card was working: the answer never reaches the host.
      check();
      if (!answer) throw new TransportError('other', fault instanceof Error ? fault.message : 'card fault');
      return answer;
    },
    async disconnect(options) {
      if (held()) {
        // After an abandoned command the card's state is unknown: start it afresh.
        if (options?.reset || abandoned) current.reset();
        release();
      }
    },
  };
}

export function createVirtualReader(): VirtualReader {
  const listeners = new Listeners<CardTransportEvents>();
  let card: SimulatedCard | undefined;
  /** Bumped on every insert/remove so a session knows its card has gone even if another came. */
  let insertion = 0;
  let status: ReaderStatus = 'ready';
  let holder: number | undefined;
  let closed = false;

  const remove = () => {
    if (!card) return;
    card.powerOff();
    card = undefined;
    insertion++;
    holder = undefined;
    listeners.emit('cardRemoved');
  };

  const transport: CardTransport = {
    get readerStatus() {
      return status;
    },
    get cardPresent() {
      return card !== undefined;
    },
    get cardAtr() {
      return card?.atr;
    },
    on: (event, listener) => listeners.on(event, listener),
    async connect(options): Promise<CardConnection> {
      options?.signal?.throwIfAborted();
      if (closed || status !== 'ready') throw new TransportError('readerUnavailable', 'virtual reader unavailable');
      if (!card) throw new TransportError('noCard', 'no card in the virtual reader');
      if (holder !== undefined) throw new TransportError('busy', 'virtual reader in use');
      const session = insertion;
      holder = session;
      const current = card;
      const held = () => insertion === session && card === current;
      const check = () => {
        if (status !== 'ready') throw new TransportError('readerUnavailable', 'virtual reader gone');
        if (!held()) throw new TransportError('cardRemoved', 'card removed');
      };
      const release = () => {
        holder = undefined;
      };
      return virtualSession(current, { check, held, release });
    },
    async close() {
      closed = true;
      listeners.clear();
    },
  };

  return {
    transport,
    insert(next) {
      remove();
      card = next;
      insertion++;
      next.powerOn();
      listeners.emit('cardInserted');
    },
    remove,
    get card() {
      return card;
    },
    setReaderConnected(connected) {
      const next: ReaderStatus = connected ? 'ready' : 'noReader';
      if (next === status) return;
      if (!connected) remove();
      status = next;
      listeners.emit('readerStatus', status);
    },
  };
}
