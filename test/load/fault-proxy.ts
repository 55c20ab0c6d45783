/**
 * A TCP proxy between kiosks and one center that plays the network's faults (issue 14, item 2). It
 * relays bytes only: the kiosk's mutual TLS runs through it untouched, end to end.
 *
 *   const proxy = await startFaultProxy({ targetPort: center.port, random: { seed: 7, reset: 0.02 } });
 *   // kiosks use proxy.url instead of the center's address
 *   proxy.setMode({ kind: 'delay', ms: 200 });          // every new connection from now on
 *   proxy.faultOpen({ kind: 'reset' });                  // every connection open now, at once
 *   proxy.faultOpen({ kind: 'reset', on: 'nextAnswer' }); // …when the center next sends on it
 *   proxy.counts();                                      // what it did, by kind
 *   await proxy.close();
 *
 * Modes: `pass`; `delay` N ms (each direction, order kept); `drop` (close, FIN); `reset` (RST, by
 * socket.resetAndDestroy()); `stall` (accepted, nothing forwarded either way, never closed by the
 * proxy; what it is sent is discarded, so a stalled connection never recovers). A new connection
 * takes the mode set by setMode, or, while that is `pass` and `random` is set, one drawn from its
 * probabilities with a seeded generator (the same seed, the same sequence of decisions), including
 * `resetWithinMs`: a reset at a random moment of the connection's first N ms, which under load lands
 * mid-call. A reset from either end is passed on as a reset to the other.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export type FaultKind = 'pass' | 'delay' | 'drop' | 'reset' | 'stall';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'reset' }
  | { kind: 'stall' }
  /** For open connections only: the fault happens instead of the center's next bytes reaching the kiosk. */
  | { kind: 'drop' | 'reset'; on: 'nextAnswer' };

/** Probabilities (0–1) for each new connection, drawn in this order; what none picks passes. */
export interface RandomFaults {
  seed: number;
  drop?: number;
  reset?: number;
  stall?: number;
  delay?: { p: number; ms: number };
  /** Reset at a moment drawn uniformly in the connection's first `withinMs`. */
  resetWithinMs?: { p: number; withinMs: number };
}

export interface FaultCounts {
  connections: number;
  pass: number;
  delay: number;
  drop: number;
  reset: number;
  stall: number;
}

export interface FaultProxyOptions {
  targetPort: number;
  targetHost?: string;
  /** The proxy's own port (default any free one). */
  port?: number;
  random?: RandomFaults;
}

export interface FaultProxy {
  /** https://127.0.0.1:<port>: what a kiosk is configured with instead of the center. */
  url: string;
  port: number;
  setMode(mode: FaultMode): void;
  setRandom(random: RandomFaults | undefined): void;
  /** Applies `mode` to every connection open now; returns how many. */
  faultOpen(mode: FaultMode): number;
  counts(): FaultCounts;
  close(): Promise<void>;
}

/**
 * mulberry32: a small, well-known seeded generator. Math.random cannot be seeded, and a fault run
 * must be repeatable from its seed; the statistical quality needed here is "no visible pattern".
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fault for the next new connection, from `random` and its generator (exported for tests). */
export function drawFault(random: RandomFaults, next: () => number): FaultMode | { kind: 'resetLater'; afterMs: number } {
  const roll = next();
  let edge = 0;
  const hit = (p: number | undefined) => roll < (edge += p ?? 0);
  if (hit(random.drop)) return { kind: 'drop' };
  if (hit(random.reset)) return { kind: 'reset' };
  if (hit(random.stall)) return { kind: 'stall' };
  if (hit(random.delay?.p)) return { kind: 'delay', ms: random.delay!.ms };
  if (hit(random.resetWithinMs?.p)) return { kind: 'resetLater', afterMs: Math.floor(next() * random.resetWithinMs!.withinMs) };
  return { kind: 'pass' };
}

interface Relay {
  kiosk: Socket;
  center: Socket | undefined;
  delayMs: number;
  stalled: boolean;
  onAnswer: 'drop' | 'reset' | undefined;
  /** When the last delayed chunk of each direction is due, so a later one never overtakes it. */
  due: { up: number; down: number };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const open = new Set<Relay>();
  const counts: FaultCounts = { connections: 0, pass: 0, delay: 0, drop: 0, reset: 0, stall: 0 };
  let mode: FaultMode = { kind: 'pass' };
  let random = options.random;
  let next = random ? seededRandom(random.seed) : undefined;

  const end = (relay: Relay, how: 'drop' | 'reset') => {
    open.delete(relay);
    for (const socket of [relay.kiosk, relay.center]) {
      if (!socket || socket.destroyed) continue;
      if (how === 'reset') socket.resetAndDestroy();
      else socket.destroy();
    }
  };
  // A fault is counted when it happens: one armed for the next answer, when that answer comes.
  const fault = (relay: Relay, m: FaultMode) => {
    if ('on' in m) return void (relay.onAnswer = m.kind);
    counts[m.kind]++;
    if (m.kind === 'drop' || m.kind === 'reset') end(relay, m.kind);
    else if (m.kind === 'stall') relay.stalled = true;
    else if (m.kind === 'delay') relay.delayMs = m.ms;
    else Object.assign(relay, { delayMs: 0, stalled: false, onAnswer: undefined });
  };

  const server = createServer({ allowHalfOpen: true }, (kiosk) => {
    counts.connections++;
    const relay: Relay = { kiosk, center: undefined, delayMs: 0, stalled: false, onAnswer: undefined, due: { up: 0, down: 0 } };
    open.add(relay);
    kiosk.on('error', () => end(relay, 'reset'));
    kiosk.on('close', () => setTimeout(() => end(relay, 'drop'), Math.max(0, relay.due.up - Date.now())));
    const drawn = mode.kind === 'pass' && random && next ? drawFault(random, next) : mode;
    if (drawn.kind === 'resetLater') {
      setTimeout(() => open.has(relay) && fault(relay, { kind: 'reset' }), drawn.afterMs).unref();
    } else {
      fault(relay, drawn);
      if (!open.has(relay) || relay.stalled) return;
    }
    connect(relay, options, end, counts);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    setMode: (m) => void (mode = m),
    setRandom(r) {
      random = r;
      next = r ? seededRandom(r.seed) : undefined;
    },
    faultOpen(m) {
      const relays = [...open];
      for (const relay of relays) fault(relay, m);
      return relays.length;
    },
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const relay of [...open]) end(relay, 'drop');
        server.close(() => resolve());
      }),
  };
}

/** Opens the center's side and relays both directions through the relay's current faults. */
function connect(relay: Relay, options: FaultProxyOptions, end: (relay: Relay, how: 'drop' | 'reset') => void, counts: FaultCounts): void {
  const { kiosk } = relay;
  const center = createConnection({ host: options.targetHost ?? '127.0.0.1', port: options.targetPort, allowHalfOpen: true });
  relay.center = center;
  const forward = (to: Socket, direction: 'up' | 'down', chunk: Buffer | null) => {
    const send = () => {
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    };
    if (relay.delayMs === 0 && relay.due[direction] <= Date.now()) return send();
    const due = Math.max(Date.now() + relay.delayMs, relay.due[direction]);
    relay.due[direction] = due;
    setTimeout(send, due - Date.now());
  };
  kiosk.on('data', (chunk: Buffer) => relay.stalled || forward(center, 'up', chunk));
  kiosk.on('end', () => relay.stalled || forward(center, 'up', null));
  center.on('data', (chunk: Buffer) => {
    if (relay.onAnswer) {
      counts[relay.onAnswer]++;
      return end(relay, relay.onAnswer);
    }
    if (!relay.stalled) forward(kiosk, 'down', chunk);
  });
  center.on('end', () => relay.stalled || forward(kiosk, 'down', null));
  // A center that resets (or dies) resets the kiosk's side too: the kiosk sees what it would see directly.
  center.on('error', () => end(relay, 'reset'));
  // A close waits for the delayed bytes still due the other way, as a slow link delivers them before its FIN.
  center.on('close', () => setTimeout(() => end(relay, 'drop'), Math.max(0, relay.due.down - Date.now())));
}
