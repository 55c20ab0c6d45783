/**
 * Fleet benchmark (issue 14 item 5): the center as its own process(es), the kiosks as separate
 * processes over real mutual TLS, never in one process.
 *
 * This process builds the world (a center state directory with its kiosk CA, the test card PKI, the
 * demo municipalities in a fresh SQLite or PostgreSQL database, one enrolled kiosk with its own
 * client certificate per simulated kiosk, card-sim cards for `--cards` eligible residents), then starts
 * `apps/center/src/server.ts` as a store runs it (1 process, or `--centers N` on one PostgreSQL
 * database), forks `--procs` kiosk processes (center-fleet-kiosks.ts) sharing the kiosks out, and a
 * canary (center-fleet-canary.ts) that times NEW mutual-TLS handshakes and a bare request every
 * ~100 ms, alone first and then during the load. Every delivered document is checked as a kiosk
 * checks it; any mismatch aborts the run.
 *
 *   pnpm exec tsx test/bench/center-fleet.ts [--kiosks 200] [--procs 4] [--issuances 4000 | --seconds 60]
 *     [--centers 1] [--db sqlite|postgres] [--text-check-every 10] [--cards 25] [--cpu-prof]
 *     [--center-node-options="--trace-deopt --trace-opt"] [--center-stdout file]
 *
 * Prints issuances/s, the whole issuance's p50/p95/p99, each call's p50/p99, the canary's handshake
 * and bare-request p50/p99 (alone and under load), center CPU per issuance (/proc/<pid>/stat
 * utime+stime of each center process, its worker threads included, over the measured phase ÷
 * issuances) and the same per thread (the serving main thread, the SQLite thread, the render and
 * verification workers, the rest: center-fleet-threads.ts), errors by code, and the whole issuance against the bare
 * request. `--cpu-prof` passes
 * --cpu-prof to the center processes and prints where each one's main thread spent its time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '@madoguchi/center';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { startCenter, TEST_NOW, type CenterHarness, type TestCard } from '../center/support/center-harness.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import {
  CALLS,
  type CanarySamples,
  type CanarySetup,
  type CanaryToParent,
  type FleetKiosk,
  type KioskProcessSetup,
  type Phase,
  type ToParent,
} from './center-fleet-protocol.js';
import { summarizeProfile } from './center-fleet-profile.js';
import { sampleThreads, THREAD_GROUPS, threadCpuBetween, type ThreadGroup } from './center-fleet-threads.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const here = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    kiosks: { type: 'string', default: '200' },
    procs: { type: 'string', default: '4' },
    issuances: { type: 'string', default: '4000' },
    seconds: { type: 'string' },
    centers: { type: 'string', default: '1' },
    db: { type: 'string', default: 'sqlite' },
    'text-check-every': { type: 'string', default: '10' },
    // Residents with a card, shared out over the kiosks: each card costs an RSA key to make, and one
    // resident at several kiosks at once is a case the center must serve anyway.
    cards: { type: 'string', default: '25' },
    'cpu-prof': { type: 'boolean', default: false },
    // Extra node options for the center processes, space-separated (e.g. "--trace-deopt --trace-opt"),
    // and a file that receives the centers' stdout, where V8's traces go.
    'center-node-options': { type: 'string', default: '' },
    'center-stdout': { type: 'string' },
  },
});
const kioskCount = Number(args.kiosks);
const procCount = Math.min(Number(args.procs), kioskCount);
const centerCount = Number(args.centers);
const seconds = args.seconds ? Number(args.seconds) : undefined;
const totalIssuances = Number(args.issuances);
const textCheckEvery = Number(args['text-check-every']);
if (args.db !== 'sqlite' && args.db !== 'postgres') throw new Error('--db is sqlite or postgres');
if (centerCount > 1 && args.db === 'sqlite') throw new Error('several centers share one PostgreSQL database: --db postgres');

// ---------------------------------------------------------------- statistics

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Nearest rank. */
function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const ms = (x: number) => (Number.isNaN(x) ? '—' : `${x.toFixed(1)} ms`);

// ---------------------------------------------------------------- the world

interface World {
  harness: CenterHarness;
  database: DatabaseConfig;
  kiosks: Omit<FleetKiosk, 'baseUrl'>[];
  canary: { certPem: string; keyPem: string };
  bindingKeyPem: string;
}

async function buildWorld(database: DatabaseConfig): Promise<World> {
  const handle = await openDatabase(database);
  await migrate(handle);
  const harness = await startCenter(handle, { build: { sweeper: false } });
  const enrolled: Awaited<ReturnType<CenterHarness['enrollKiosk']>>[] = [];
  for (let i = 0; i <= kioskCount; i++) enrolled.push(await harness.enrollKiosk(`F${String(i).padStart(4, '0')}`));
  const residents: string[] = [];
  for (const r of harness.demo.batch.residents) {
    if (residents.length === Math.min(kioskCount, Number(args.cards))) break;
    const eligible = await checkEligibility({
      database: handle,
      residentId: r.residentId,
      certificateType: 'residenceRecord',
      options: {},
      copies: 1,
      now: TEST_NOW,
    });
    if (eligible.ok) residents.push(r.residentId);
  }
  const cards: TestCard[] = [];
  for (const id of residents) cards.push(await harness.issueCard(id));
  const bindingKeyPem = await harness.bindingKeyPem(enrolled[0]!);
  const [canary, ...fleet] = enrolled;
  const kiosks = fleet.map((k, i) => {
    const card = cards[i % cards.length]!;
    return {
      terminalId: k.terminalId,
      certPem: k.certPem,
      keyPem: k.keyPem,
      card: {
        certificateDerBase64: Buffer.from(card.certificateDer).toString('base64'),
        privateKeyPem: card.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        sha256: createHash('sha256').update(card.certificateDer).digest('hex'),
      },
    };
  });
  // The world stays on disk (state directory, PKI, database); this process serves nothing during the run.
  for (const k of enrolled) k.close();
  await harness.app.close();
  await handle.close();
  process.stdout.write(`world: ${kiosks.length} kiosks, ${cards.length} residents with a card, ${args.db}\n`);
  return { harness, database, kiosks, canary: { certPem: canary!.certPem, keyPem: canary!.keyPem }, bindingKeyPem };
}

// ---------------------------------------------------------------- processes

interface CenterProcess {
  child: ChildProcess;
  baseUrl: string;
}

const centerStdout = args['center-stdout'] ? createWriteStream(args['center-stdout'], { flags: 'a' }) : undefined;
/** Marks the run's phases in --center-stdout, to tell the traces of the warm-up from those of the steady state. */
function markCenterStdout(text: string): void {
  centerStdout?.write(`=== fleet bench: ${text}\n`);
}

function startCenterProcess(env: Record<string, string>, profileDir: string | undefined): Promise<CenterProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ...args['center-node-options'].split(' ').filter((o) => o !== ''),
      '--import',
      'tsx',
      // Names the worker threads, for the CPU per thread (center-fleet-threads.ts).
      '--import',
      pathToFileURL(join(here, 'center-fleet-thread-names.mjs')).href,
      'apps/center/src/server.ts',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`center process exited with ${code ?? signal}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      centerStdout?.write(`${line}\n`);
      const match = /listening on (https:\/\/[^/\s]+)/.exec(line);
      if (match) resolvePromise({ child, baseUrl: match[1]! });
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

const children: ChildProcess[] = [];
/** Set once the measured phase has ended: children stopped after that are not a failed run. */
let ending = false;
function forkChild(file: string): ChildProcess {
  // Their stdout is pdf.js's chatter about the fonts; errors come on stderr.
  const child = fork(join(here, file), [], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  return child;
}

function abort(reason: string): never {
  process.stderr.write(`ABORT: ${reason}\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}

// ---------------------------------------------------------------- the run

interface KioskResults {
  issuances: number[];
  calls: Record<string, number[]>;
  errors: Record<string, number>;
  textChecked: number;
  cheapChecked: number;
}

function merge(parts: KioskResults[]): KioskResults {
  const merged: KioskResults = { issuances: [], calls: {}, errors: {}, textChecked: 0, cheapChecked: 0 };
  for (const part of parts) {
    merged.issuances.push(...part.issuances);
    for (const [name, xs] of Object.entries(part.calls)) (merged.calls[name] ??= []).push(...xs);
    for (const [code, n] of Object.entries(part.errors)) merged.errors[code] = (merged.errors[code] ?? 0) + n;
    merged.textChecked += part.textChecked;
    merged.cheapChecked += part.cheapChecked;
  }
  return merged;
}

async function run(world: World, centers: CenterProcess[]) {
  const caPem = world.harness.caPem;
  const kiosks: FleetKiosk[] = world.kiosks.map((k, i) => ({ ...k, baseUrl: centers[i % centers.length]!.baseUrl }));
  const perKiosk = Math.ceil(totalIssuances / kiosks.length);
  const procs = Array.from({ length: procCount }, () => forkChild('center-fleet-kiosks.ts'));
  const finished = procs.map(
    (proc) =>
      new Promise<KioskResults>((resolvePromise) => {
        proc.on('message', (message: ToParent) => {
          if (message.type === 'mismatch') abort(`document mismatch at ${message.terminalId}: ${message.reason}`);
          if (message.type === 'done') resolvePromise(message);
        });
        proc.on('exit', (code, signal) => !ending && code !== 0 && abort(`kiosk process exited with ${code ?? signal}`));
      }),
  );
  const ready = procs.map((proc) => new Promise<void>((r) => proc.on('message', (m: ToParent) => m.type === 'ready' && r())));
  procs.forEach((proc, p) => {
    const setup: KioskProcessSetup = {
      kiosks: kiosks.filter((_, i) => i % procCount === p),
      caPem,
      bindingKeyPem: world.bindingKeyPem,
      issuancesPerKiosk: perKiosk,
      textCheckEvery,
    };
    proc.send({ type: 'setup', setup });
  });
  const canary = forkChild('center-fleet-canary.ts');
  const canaryDone = new Promise<Record<Phase, CanarySamples>>((r) =>
    canary.on('message', (m: CanaryToParent) => m.type === 'done' && r(m.samples)),
  );
  const canarySetup: CanarySetup = { baseUrls: centers.map((c) => c.baseUrl), ...world.canary, caPem, intervalMs: 100 };
  canary.send({ type: 'setup', setup: canarySetup });
  await Promise.all(ready);
  process.stdout.write(`warm-up done (one issuance per kiosk); canary alone for 5 s\n`);
  canary.send({ type: 'phase', phase: 'alone' });
  await new Promise((r) => setTimeout(r, 5_000));

  const tick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const cpuBefore = centers.map((c) => sampleThreads(c.child.pid!, tick));
  const load = [loadavg()[0]!];
  canary.send({ type: 'phase', phase: 'load' });
  const started = performance.now();
  markCenterStdout('measured phase starts');
  const marks = setInterval(() => markCenterStdout(`measured phase +${((performance.now() - started) / 1000).toFixed(0)} s`), 5_000);
  for (const proc of procs) proc.send({ type: 'go', ...(seconds ? { untilEpochMs: Date.now() + seconds * 1000 } : {}) });
  const results = merge(await Promise.all(finished));
  clearInterval(marks);
  markCenterStdout('measured phase ends');
  ending = true;
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = centers.map((c) => sampleThreads(c.child.pid!, tick));
  load.push(loadavg()[0]!);
  canary.send({ type: 'stop' });
  const canarySamples = await canaryDone;
  return {
    results,
    wallSeconds,
    cpu: cpuAfter.map((after, i) => after.totalMs - cpuBefore[i]!.totalMs),
    threads: cpuAfter.map((after, i) => threadCpuBetween(cpuBefore[i]!, after)),
    load,
    canary: canarySamples,
    kiosks: kiosks.length,
  };
}

function report(outcome: Awaited<ReturnType<typeof run>>): void {
  const { results, wallSeconds, cpu, threads, load, canary } = outcome;
  const n = results.issuances.length;
  const line = (s: string) => process.stdout.write(`${s}\n`);
  const cpuTotal = cpu.reduce((a, b) => a + b, 0);
  line(
    `\n${args.db}, ${centerCount} center process(es), ${outcome.kiosks} kiosks in ${procCount} processes; ` +
      `load average ${load.map((l) => l.toFixed(1)).join(' → ')} (1 min, start → end)`,
  );
  line(`issuances: ${n} whole one-page issuances in ${wallSeconds.toFixed(1)} s = ${(n / wallSeconds).toFixed(1)} issuances/s`);
  line(
    `whole issuance: p50 ${ms(pct(results.issuances, 50))}, p95 ${ms(pct(results.issuances, 95))}, p99 ${ms(pct(results.issuances, 99))}`,
  );
  for (const name of CALLS) {
    const xs = results.calls[name] ?? [];
    line(`  ${name.padEnd(13)} p50 ${ms(pct(xs, 50))}, p99 ${ms(pct(xs, 99))} (${xs.length})`);
  }
  for (const phase of ['alone', 'load'] as const) {
    const s = canary[phase];
    line(
      `canary ${phase.padEnd(5)}: new mTLS handshake p50 ${ms(pct(s.handshakes, 50))}, p99 ${ms(pct(s.handshakes, 99))} ` +
        `(${s.handshakes.length}); bare GET /binding-key p50 ${ms(pct(s.bare, 50))}, p99 ${ms(pct(s.bare, 99))} ` +
        `(${s.bare.length}); failures ${s.failures}`,
    );
  }
  const bare = pct(canary.load.bare, 50);
  line(
    `ratio: whole issuance p50 = ×${(pct(results.issuances, 50) / bare).toFixed(1)} the bare request p50 under load ` +
      `(five calls: ×5 is the floor); ×${(pct(results.issuances, 50) / pct(canary.alone.bare, 50)).toFixed(1)} the bare request alone`,
  );
  line(
    `center CPU: ${cpu.map((c) => `${(c / 1000).toFixed(1)} s`).join(' + ')} over the run = ` +
      `${(cpuTotal / Math.max(1, n)).toFixed(2)} ms per issuance (${((cpuTotal / 1000 / wallSeconds) * 100).toFixed(0)}% of one core)`,
  );
  const perGroup = (g: ThreadGroup) => threads.reduce((sum, t) => sum + t[g], 0);
  line(
    `center CPU per thread: ${THREAD_GROUPS.map(
      (g) => `${g} ${(perGroup(g) / Math.max(1, n)).toFixed(2)} ms (${((perGroup(g) / 1000 / wallSeconds) * 100).toFixed(0)}%)`,
    ).join(', ')} per issuance (% of one core)`,
  );
  const errors = Object.entries(results.errors);
  line(`errors: ${errors.length === 0 ? 'none' : errors.map(([code, count]) => `${code} ×${count}`).join(', ')}`);
  line(
    `documents checked: ${results.cheapChecked} (binding, digest, card, pages), ` +
      `${results.textChecked} of them with page texts; 0 mismatches`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-fleet-'));
  let postgres: PostgresServer | undefined;
  const centers: CenterProcess[] = [];
  const profileDir = args['cpu-prof'] ? join(repoRoot, '.var', 'bench-profiles', `fleet-${Date.now()}`) : undefined;
  try {
    if (args.db === 'postgres') postgres = await startPostgres();
    const database: DatabaseConfig = postgres
      ? { kind: 'postgres', connectionString: await postgres.createDatabase() }
      : { kind: 'sqlite', path: join(dir, 'center.sqlite') };
    const world = await buildWorld(database);
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const startedAt = Date.now();
    const env = {
      MADOGUCHI_CENTER_STATE: world.harness.state.dir,
      MADOGUCHI_DATABASE_URL: database.kind === 'postgres' ? database.connectionString : database.path,
      MADOGUCHI_CARD_TRUST_ANCHORS: world.harness.pki.paths.trustedCasPem,
      MADOGUCHI_CARD_CRLS: world.harness.pki.paths.crlsPem,
      MADOGUCHI_LOG_LEVEL: 'warn',
      // The test day at noon in Japan, running on: inside service hours whenever the bench runs.
      MADOGUCHI_CLOCK: new Date(TEST_NOW.getTime() + (Date.now() - startedAt)).toISOString(),
    };
    for (let i = 0; i < centerCount; i++) centers.push(await startCenterProcess(env, profileDir));
    process.stdout.write(`centers: ${centers.map((c) => `${c.baseUrl} (pid ${c.child.pid})`).join(', ')}\n`);
    report(await run(world, centers));
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(centers.map((c) => stopProcess(c.child)));
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (profileDir) {
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      process.stdout.write(`\nprofile ${file}\n${summarizeProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')))}\n`);
    }
  }
}

await main();
