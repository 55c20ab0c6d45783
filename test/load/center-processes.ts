/**
 * M center processes on one database, and the crashes and restarts a load run plays on them (issue
 * 14, item 2). Each is `apps/center/src/server.ts` in its own process, as a deployment runs it
 * (test/kiosk/support/center-process.ts), on a port that it takes back when restarted, so kiosks
 * keep one address per center.
 *
 *   const fleet = await startCenters(2, () => centerEnv(center, databaseConfig));
 *   fleet.baseUrls;                                  // https://127.0.0.1:<port> each, fixed for the run
 *   await fleet.killAndRestart(0);                   // SIGKILL, then start again on its port
 *   await fleet.killAtRandomMoment({ seed, withinMs }); // a random center at a random moment
 *   await fleet.rollingRestart();                    // each in turn: SIGTERM, restart, listening again
 *   fleet.crashes();                                 // how many it killed
 *   await fleet.stopAll();
 *
 * `env` is a function so that a restart reads it again (a center's clock, for one, runs on from the
 * run's start: MADOGUCHI_CLOCK). A center on SQLite takes its path as MADOGUCHI_DATABASE_URL; several
 * on one SQLite file share its write lock (busy_timeout), on PostgreSQL its connections.
 */
import type { CenterHarness } from '../center/support/center-harness.js';
import { killCenterProcess, startCenterProcess, stopCenterProcess, type CenterProcess } from '../kiosk/support/center-process.js';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { seededRandom } from './fault-proxy.js';

/**
 * A rolling restart's stop waits past the center's own grace for calls in flight (45 s,
 * DEFAULT_SHUTDOWN_GRACE_MS in apps/center/src/server.ts) before it kills: a deploy lets it finish them.
 */
const ROLLING_STOP_KILL_AFTER_MS = 50_000;

export interface CenterFleet {
  /** The centers' addresses, in order; a restarted center keeps its own. */
  baseUrls: string[];
  /** The process now serving center `index` (a new one after each restart). */
  process(index: number): CenterProcess;
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  /** SIGKILL, `downMs` with the center gone (default none), then a start on the same port. */
  killAndRestart(index: number, downMs?: number): Promise<void>;
  /** Waits a moment drawn in [0, withinMs), kills a center drawn at random, restarts it; says which and when. */
  killAtRandomMoment(options: { withinMs: number; seed: number; downMs?: number }): Promise<{ index: number; afterMs: number }>;
  /**
   * Each center in turn: a graceful stop (SIGTERM; SIGKILL only past the center's own 45 s grace), a start on its port, and
   * listening before the next one goes. Says how each stop ended ('0' for a clean exit, 'SIGKILL' for
   * one cut short: its calls in flight cut) and how long the stop and the start took.
   */
  rollingRestart(options?: { pauseMs?: number }): Promise<{ index: number; exit: string; stopMs: number; startMs: number }[]>;
  crashes(): number;
  /**
   * Centers that exited on their own (not killed or stopped here), each with its exit and stderr's
   * tail; each was started again on its port, as a deployment's supervisor does. A load run fails on any.
   */
  deaths(): { index: number; exit: string; stderr: string }[];
  /** The last few KB a center process wrote to stderr (why one died on its own: logs hold codes and ids only). */
  stderrOf(index: number): string;
  stopAll(): Promise<void>;
}

/** The environment a center process needs to serve the harness's kiosks, cards and keys on `database`. */
export function centerEnv(center: CenterHarness, database: DatabaseConfig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MADOGUCHI_CENTER_STATE: center.state.dir,
    MADOGUCHI_DATABASE_URL: database.kind === 'postgres' ? database.connectionString : database.path,
    MADOGUCHI_CARD_TRUST_ANCHORS: center.pki.paths.trustedCasPem,
    MADOGUCHI_CARD_CRLS: center.pki.paths.crlsPem,
    MADOGUCHI_LOG_LEVEL: 'warn',
    MADOGUCHI_RENDER_WORKERS: '1',
    ...extra,
  };
}

export async function startCenters(count: number, env: () => Record<string, string>): Promise<CenterFleet> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startCenterProcess(env())));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // None left running behind a failed start: the caller has no fleet to stop.
    await Promise.all(started.flatMap((s) => (s.status === 'fulfilled' ? [stopCenterProcess(s.value)] : [])));
    throw failed.reason;
  }
  const processes = started.map((s) => (s as PromiseFulfilledResult<CenterProcess>).value);
  const ports = processes.map((p) => p.port);
  const stderr = processes.map(() => '');
  const expected = new WeakSet<CenterProcess>();
  const deaths: { index: number; exit: string; stderr: string }[] = [];
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();
  const listen = (index: number) => {
    const own = processes[index]!;
    own.child.stderr!.on('data', (chunk: Buffer) => (stderr[index] = (stderr[index] + chunk.toString()).slice(-4096)));
    own.child.once('exit', (code, signal) => {
      if (expected.has(own) || stopping) return;
      deaths.push({ index, exit: String(code ?? signal), stderr: stderr[index]!.slice(-1500) });
      restarting = restarting.then(() => (processes[index] === own && !stopping ? restart(index) : undefined)).catch(() => undefined);
    });
  };
  processes.forEach((_, index) => listen(index));
  let crashes = 0;
  const kill = async (index: number) => {
    crashes++;
    expected.add(processes[index]!);
    await killCenterProcess(processes[index]!);
  };
  const restart = async (index: number) => {
    processes[index] = await startCenterProcess(env(), ports[index]);
    listen(index);
  };
  const killAndRestart = async (index: number, downMs = 0) => {
    await kill(index);
    if (downMs > 0) await sleep(downMs);
    await restart(index);
  };
  return {
    baseUrls: processes.map((p) => p.baseUrl),
    process: (index) => processes[index]!,
    kill,
    restart,
    killAndRestart,
    async killAtRandomMoment({ withinMs, seed, downMs }) {
      const next = seededRandom(seed);
      const afterMs = Math.floor(next() * withinMs);
      const index = Math.floor(next() * processes.length);
      await sleep(afterMs);
      await killAndRestart(index, downMs);
      return { index, afterMs };
    },
    async rollingRestart({ pauseMs = 0 } = {}) {
      const stops: { index: number; exit: string; stopMs: number; startMs: number }[] = [];
      for (const index of processes.keys()) {
        const own = processes[index]!;
        expected.add(own);
        const t = Date.now();
        await stopCenterProcess(own, ROLLING_STOP_KILL_AFTER_MS);
        const stopped = Date.now();
        await restart(index);
        stops.push({ index, exit: String(own.child.exitCode ?? own.child.signalCode), stopMs: stopped - t, startMs: Date.now() - stopped });
        if (pauseMs > 0) await sleep(pauseMs);
      }
      return stops;
    },
    crashes: () => crashes,
    deaths: () => [...deaths],
    stderrOf: (index) => stderr[index]!,
    stopAll: async () => {
      stopping = true;
      await restarting;
      await Promise.all(processes.map((p) => stopCenterProcess(p)));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
