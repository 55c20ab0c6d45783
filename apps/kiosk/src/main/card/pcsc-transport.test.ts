/**
 * The pcsclite transport's bookkeeping against a scripted stand-in for the binding. The real
 * binding over a real pcscd is exercised in test/card; this pins down two things learned there:
 * closing a reader from inside its own 'error'/'end' callback deadlocks the binding, and a pcscd
 * restart must rebuild the context without the kiosk seeing a removal if the card is still there.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createPcscTransport, type PcscLiteFactory } from './pcsc-transport.js';
import type { ReaderStatus } from './transport.js';

const PRESENT = 0x22;
const EMPTY = 0x12;
let insideCallback = false;
let closedInsideCallback = false;

class FakeReader extends EventEmitter {
  SCARD_SHARE_EXCLUSIVE = 2;
  SCARD_LEAVE_CARD = 0;
  SCARD_RESET_CARD = 1;
  closed = false;
  constructor(readonly name: string) {
    super();
  }
  /** The binding emits with the reader's mutex held. */
  fire(event: string, ...args: unknown[]): void {
    insideCallback = true;
    try {
      this.emit(event, ...args);
    } finally {
      insideCallback = false;
    }
  }
  close(): void {
    if (insideCallback) closedInsideCallback = true;
    this.closed = true;
  }
  connect(_options: unknown, callback: (error: unknown, protocol: number) => void): void {
    this.calls.push('connect');
    callback(null, 2);
  }
  disconnect(disposition: number, callback: (error: unknown) => void): void {
    this.calls.push(`disconnect:${disposition === this.SCARD_RESET_CARD ? 'reset' : 'leave'}`);
    callback(null);
  }
  /** Binding calls in order: connect, transmit, disconnect:<disposition>. */
  readonly calls: string[] = [];
  /** When set, transmit callbacks wait here instead of answering (a card that does not answer). */
  held: ((error: unknown, data: Buffer) => void)[] | undefined;
  transmit(_data: Buffer, _length: number, _protocol: number, callback: (error: unknown, data: Buffer) => void): void {
    this.calls.push('transmit');
    if (this.held) this.held.push(callback);
    else callback(null, Buffer.from([0x90, 0x00]));
  }
}

class FakeContext extends EventEmitter {
  closed = false;
  close(): void {
    if (insideCallback) closedInsideCallback = true;
    this.closed = true;
  }
}

function fakeBinding() {
  const contexts: FakeContext[] = [];
  let daemonUp = true;
  const factory = (() => {
    if (!daemonUp) throw new Error('SCardEstablishContext error: Service not available.(0x8010001d)');
    const context = new FakeContext();
    contexts.push(context);
    return context;
  }) as unknown as PcscLiteFactory;
  return {
    factory,
    contexts,
    setDaemon(up: boolean) {
      daemonUp = up;
    },
  };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
  if (!check()) throw new Error(`never: ${what}`);
}

describe('pcsclite transport', () => {
  it('rebuilds its context after pcscd dies, never closing binding objects in their callbacks; keeps a card that comes back', async () => {
    const binding = fakeBinding();
    const transport = createPcscTransport({ pcsclite: binding.factory, retryIntervalMs: 5, reappearGraceMs: 50 });
    const statuses: ReaderStatus[] = [];
    const events: string[] = [];
    transport.on('readerStatus', (s) => statuses.push(s));
    transport.on('cardInserted', () => events.push('inserted'));
    transport.on('cardRemoved', () => events.push('removed'));

    const first = binding.contexts[0]!;
    const reader = new FakeReader('Virtual PCD 00 00');
    first.emit('reader', reader);
    reader.fire('status', { state: EMPTY }); // an empty reader's first status is not a removal
    reader.fire('status', { state: PRESENT });
    expect(transport.readerStatus).toBe('ready');
    expect(events).toEqual(['inserted']);

    binding.setDaemon(false);
    reader.fire('error', new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)'));
    reader.fire('end');
    expect(transport.readerStatus).toBe('reconnecting');
    await tick(20); // a few failed attempts while pcscd is down
    expect(binding.contexts.length).toBe(1);
    expect(closedInsideCallback).toBe(false);
    expect(reader.closed && first.closed).toBe(true);

    binding.setDaemon(true);
    await until(() => binding.contexts.length === 2, 'a new context');
    const again = new FakeReader('Virtual PCD 00 00');
    binding.contexts[1]!.emit('reader', again);
    again.fire('status', { state: PRESENT });
    expect(transport.readerStatus).toBe('ready');
    expect(transport.cardPresent).toBe(true);
    await tick(80); // past the grace period
    expect(events).toEqual(['inserted']); // the card stayed: no removal, no second insertion
    expect(statuses).toEqual(['ready', 'reconnecting', 'ready']);

    const connection = await transport.connect();
    expect([...(await connection.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x0c])))]).toEqual([0x90, 0x00]);
    await connection.disconnect();

    // Lost again, and this time the card is gone when pcscd comes back: one removal after the grace period.
    binding.contexts[1]!.emit('error', new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)'));
    await until(() => binding.contexts.length === 3, 'a third context');
    const empty = new FakeReader('Virtual PCD 00 00');
    binding.contexts[2]!.emit('reader', empty);
    empty.fire('status', { state: EMPTY });
    await until(() => events.length === 2, 'the removal');
    expect(events).toEqual(['inserted', 'removed']);
    expect(closedInsideCallback).toBe(false);
    await transport.close();
  });

  it('retries a new context that dies before its readers are listed, and ignores late errors from dead contexts', async () => {
    // Audit reproduction: pcscd is restarted; the first retry reaches a pcscd still shutting down and
    // that context fails while the status is still 'reconnecting'. It must be retried, not abandoned.
    const binding = fakeBinding();
    const transport = createPcscTransport({ pcsclite: binding.factory, retryIntervalMs: 5 });
    const lost = () => new Error('SCardGetStatusChange error: Service not available.(0x8010001d)');
    const reader = new FakeReader('Virtual PCD 00 00');
    binding.contexts[0]!.emit('reader', reader);
    expect(transport.readerStatus).toBe('ready');

    // The context and its reader thread both fail for the same loss: one rebuild, not two.
    binding.contexts[0]!.emit('error', lost());
    reader.fire('error', lost());
    await until(() => binding.contexts.length === 2, 'a second context');
    await tick(20);
    expect(binding.contexts.length).toBe(2);
    expect(transport.readerStatus).toBe('reconnecting');

    // The second context dies before listing any reader (status still 'reconnecting').
    binding.contexts[1]!.emit('error', lost());
    await until(() => binding.contexts.length === 3, 'a third context after the second one died');
    const back = new FakeReader('Virtual PCD 00 00');
    binding.contexts[2]!.emit('reader', back);
    expect(transport.readerStatus).toBe('ready');

    // Late errors from contexts already torn down change nothing.
    binding.contexts[0]!.emit('error', lost());
    binding.contexts[1]!.emit('error', lost());
    await tick(20);
    expect(binding.contexts.length).toBe(3);
    expect(transport.readerStatus).toBe('ready');
    await transport.close();
  });

  it('answers connect() with readerUnavailable while reconnecting and noCard on an empty reader', async () => {
    const binding = fakeBinding();
    binding.setDaemon(false);
    const transport = createPcscTransport({ pcsclite: binding.factory, retryIntervalMs: 5 });
    await tick(10);
    expect(transport.readerStatus).toBe('reconnecting');
    await expect(transport.connect()).rejects.toMatchObject({ failure: 'readerUnavailable' });
    binding.setDaemon(true);
    await until(() => binding.contexts.length === 1, 'context');
    const reader = new FakeReader('R');
    binding.contexts[0]!.emit('reader', reader);
    reader.fire('status', { state: EMPTY });
    await expect(transport.connect()).rejects.toMatchObject({ failure: 'noCard' });
    await transport.close();
  });

  it('abandons an unanswered command at once, resets and reconnects only after it has ended: its late answer reaches no one', async () => {
    const binding = fakeBinding();
    const transport = createPcscTransport({ pcsclite: binding.factory });
    const reader = new FakeReader('Virtual PCD 00 00');
    binding.contexts[0]!.emit('reader', reader);
    reader.fire('status', { state: PRESENT });
    reader.held = [];
    const select = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c]);

    const first = await transport.connect();
    const giveUp = new AbortController();
    const unanswered = first.transmit(select, { signal: giveUp.signal });
    giveUp.abort(new Error('no answer within the deadline'));
    await expect(unanswered).rejects.toThrow('no answer within the deadline');
    // The session takes no further command, and its disconnect does not wait for the card.
    await expect(first.transmit(select)).rejects.toMatchObject({ failure: 'other' });
    await first.disconnect();
    expect(reader.calls).toEqual(['connect', 'transmit']);

    // The next session waits for the abandoned command to end: nothing queued behind it in the binding.
    let second: Awaited<ReturnType<typeof transport.connect>> | undefined;
    const connecting = transport.connect().then((c) => (second = c));
    await tick(20);
    expect(second).toBeUndefined();
    expect(reader.calls).toEqual(['connect', 'transmit']);
    // A caller that gives up meanwhile is released at once.
    const impatient = new AbortController();
    const waiting = transport.connect({ signal: impatient.signal });
    impatient.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');

    // The card answers, late: the card is reset, then the next session opens.
    reader.held[0]!(null, Buffer.from([0x6a, 0x82]));
    reader.held = undefined;
    await connecting;
    expect(reader.calls).toEqual(['connect', 'transmit', 'disconnect:reset', 'connect']);
    expect([...(await second!.transmit(select))]).toEqual([0x90, 0x00]);
    await second!.disconnect();
    await transport.close();
  });
});
