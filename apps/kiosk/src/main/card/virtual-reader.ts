/**
 * An in-process card reader for the demo and unit tests: the same card applet that runs behind
 * vsmartcard-vpcd, driven directly. It imports no card implementation; anything with power, ATR and
 * transmit fits (structurally, @madoguchi/card-sim's VirtualJpkiCard).
 */
import { Listeners } from './listeners.js';
import { TransportError, type CardConnection, type CardTransport, type CardTransportEvents, type ReaderStatus } from './transport.js';

export interface SimulatedCard {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  reset(): Uint8Array;
  transmit(command: Uint8Array): Uint8Array;
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
    on: (event, listener) => listeners.on(event, listener),
    async connect(): Promise<CardConnection> {
      if (closed || status !== 'ready') throw new TransportError('readerUnavailable', 'virtual reader unavailable');
      if (!card) throw new TransportError('noCard', 'no card in the virtual reader');
      if (holder !== undefined) throw new TransportError('busy', 'virtual reader in use');
      const session = insertion;
      holder = session;
      const current = card;
      const check = () => {
        if (status !== 'ready') throw new TransportError('readerUnavailable', 'virtual reader gone');
        if (insertion !== session || card !== current) throw new TransportError('cardRemoved', 'card removed');
      };
      return {
        async transmit(command) {
          check();
          // Yield like a real reader does, so removal between APDUs is observable.
          await new Promise<void>((resolve) => setImmediate(resolve));
          check();
          let answer: Uint8Array | undefined;
          let fault: unknown;
          const copy = Uint8Array.from(command);
          try {
            answer = current.transmit(copy);
          } catch (error) {
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
          if (insertion === session && card === current) {
            if (options?.reset) current.reset();
            holder = undefined;
          }
        },
      };
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
