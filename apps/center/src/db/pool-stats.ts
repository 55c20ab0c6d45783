/**
 * Where a PostgreSQL center's calls wait, for benchmarks: with `MADOGUCHI_POOL_STATS=1` the pool
 * counts how long each checkout waited for a connection and how long it was held, and the chain's
 * lock how long each append waited for it; every `MADOGUCHI_POOL_STATS_MS` (5000) one JSON line of
 * counts and milliseconds goes to stderr. Timings and counts only: no statement, no parameter, no row.
 * Off (the default), nothing is wrapped and nothing is counted.
 */
import type pg from 'pg';

interface Series {
  values: number[];
}

const enabled = process.env.MADOGUCHI_POOL_STATS === '1';
const series = new Map<string, Series>();

function record(name: string, ms: number): void {
  if (!enabled) return;
  let s = series.get(name);
  if (!s) series.set(name, (s = { values: [] }));
  s.values.push(ms);
}

function summary(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10;
  const total = sorted.reduce((a, b) => a + b, 0);
  return { n: sorted.length, p50: at(50), p99: at(99), max: at(100), totalMs: Math.round(total) };
}

/** Times one wait (e.g. the chain's lock) when the stats are on; otherwise just awaits. */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    record(name, performance.now() - started);
  }
}

const lockedAt = new WeakMap<object, number>();

/** Notes that `trx` now holds the chain's lock, so `chainLockHeld` can count how long until its commit. */
export function noteLocked(trx: object): void {
  if (enabled) lockedAt.set(trx, performance.now());
}

/** At a transaction's end: how long it held the chain's lock, if it took it. */
export function noteTransactionEnd(trx: object): void {
  const at = lockedAt.get(trx);
  if (at !== undefined) record('chainLockHeld', performance.now() - at);
}

/** Wraps the pool's checkout and release, and prints the counts periodically. */
export function instrumentPool(pool: pg.Pool): void {
  if (!enabled) return;
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  let waitingMax = 0;
  (pool as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    const asked = performance.now();
    waitingMax = Math.max(waitingMax, pool.waitingCount + 1);
    const client = await connect();
    const got = performance.now();
    record('checkoutWait', got - asked);
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      record('checkoutHeld', performance.now() - got);
      return release(error);
    };
    return client;
  };
  const intervalMs = Number(process.env.MADOGUCHI_POOL_STATS_MS ?? 5000);
  const timer = setInterval(() => {
    const line: Record<string, unknown> = { poolStats: process.pid, total: pool.totalCount, idle: pool.idleCount, waitingMax };
    for (const [name, s] of series) line[name] = summary(s.values);
    series.clear();
    waitingMax = 0;
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }, intervalMs);
  timer.unref();
}
