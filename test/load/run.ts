/**
 * A load run (issue 14, item 1): N kiosks in separate processes (kiosk-process.ts, the real kiosk
 * code paths) against M center processes (apps/center/src/server.ts), on a scaled demo world
 * (world.ts), with the named scenarios of docs/misissuance.md beside a mixed load; then every printed
 * document is checked by its text against the generator's resident (document-check.ts) and the
 * run's invariants are checked (invariants.ts). Exits 1 on any failure. docs/load.md has the figures.
 *
 *   scripts/load.sh [--kiosks 50] [--issuances 2000] [--centers 1] [--database sqlite|postgres]
 *                   [--municipalities 12] [--residents 5000] [--scenario all|<name>] [--seed 1]
 *                   [--faults <reset probability per connection>] [--center-kills N]
 *                   [--kiosks-per-process 25] [--out DIR] [--keep]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { startCenters, type CenterFleet } from './center-processes.js';
import { DocumentChecker, type PrintedDocument, type RecordChange } from './document-check.js';
import { startFaultProxy, seededRandom, type FaultProxy } from './fault-proxy.js';
import { checkInvariants } from './invariants.js';
import type { FromKiosk, Journey, JourneyResult, KioskSlot, ToKiosk } from './protocol.js';
import {
  SCENARIOS,
  errorThenRetry,
  everyJourneyPrinted,
  mixedJourney,
  multiPage,
  multiPageVerdict,
  residentOf,
  sameResidentTwoKiosks,
  sameSecond,
  sameSecondVerdict,
  type ScenarioContext,
  type ScenarioName,
  type Verdict,
} from './scenarios/journeys.js';
import { applyChanges, changeJourney, changeVerdict, planChanges } from './scenarios/record-changes.js';
import { slowRenderEnv, slowRenders, slowRenderVerdict } from './scenarios/slow-renders.js';
import { LOAD_CLOCK, prepareWorld, type LoadCard, type World } from './world.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface LoadOptions {
  kiosks: number;
  issuances: number;
  centers: number;
  database: 'sqlite' | 'postgres';
  municipalities: number;
  residents: number;
  scenario: 'all' | ScenarioName | 'load';
  seed: number;
  /** Probability that a kiosk's connection to a center is reset within its first 2 s (fault-proxy.ts). */
  faults: number;
  /** kill -9 of a center process at a random moment of the load, then a restart, this many times (center-processes.ts). */
  centerKills: number;
  kiosksPerProcess: number;
  out: string;
  keep: boolean;
  log: (line: string) => void;
}

export interface LoadReport {
  ok: boolean;
  issuances: number;
  byType: Record<string, number>;
  outcomes: Record<string, number>;
  refusals: Record<string, number>;
  loadIssuancesPerSecond: number;
  wholeIssuanceMs: { p50: number; p99: number };
  paidToDoneMs: { p50: number; p99: number };
  documents: { checked: number; passed: number; failed: number; findings: string[] };
  invariants: string[];
  scenarios: Record<string, Verdict>;
  world: { municipalities: number; residents: number; cards: number; timings: Record<string, number> };
  wallSeconds: number;
}

export function parseLoadArgs(argv: string[]): Omit<LoadOptions, 'log'> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kiosks: { type: 'string', default: '50' },
      issuances: { type: 'string', default: '2000' },
      centers: { type: 'string', default: '1' },
      database: { type: 'string', default: 'sqlite' },
      municipalities: { type: 'string', default: '12' },
      residents: { type: 'string', default: '5000' },
      scenario: { type: 'string', default: 'all' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string', default: '0' },
      'center-kills': { type: 'string', default: '0' },
      'kiosks-per-process': { type: 'string', default: '25' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const database = values.database;
  if (database !== 'sqlite' && database !== 'postgres') throw new Error('--database is sqlite or postgres');
  const scenario = values.scenario;
  if (scenario !== 'all' && scenario !== 'load' && !(SCENARIOS as readonly string[]).includes(scenario))
    throw new Error(`--scenario is all, load or one of ${SCENARIOS.join(', ')}`);
  const centers = int('centers', values.centers, 1);
  const faults = Number(values.faults);
  if (!(faults >= 0 && faults < 1)) throw new Error('--faults is a probability in [0, 1)');
  return {
    kiosks: int('kiosks', values.kiosks, 2),
    issuances: int('issuances', values.issuances, 1),
    centers,
    database,
    municipalities: int('municipalities', values.municipalities, 3),
    residents: int('residents', values.residents, 300),
    scenario: scenario as LoadOptions['scenario'],
    seed: int('seed', values.seed, 0),
    faults,
    centerKills: int('center-kills', values['center-kills'], 0),
    kiosksPerProcess: int('kiosks-per-process', values['kiosks-per-process'], 1),
    out: resolve(values.out ?? join(repoRoot, '.var', 'load', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`)),
    keep: values.keep,
  };
}

/** The kiosk processes and which kiosk is free. */
class Fleet {
  private readonly children: ChildProcess[] = [];
  private readonly free: string[] = [];
  private readonly waiting = new Map<number, (r: JourneyResult) => void>();
  private readonly wake = new Set<() => void>();
  private readonly owner = new Map<string, ChildProcess>();

  async start(slots: KioskSlot[], baseUrlsFor: (i: number) => string[], caPem: string, perProcess: number): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < slots.length; i += perProcess) {
      const own = slots.slice(i, i + perProcess);
      const child = fork(join(repoRoot, 'test/load/kiosk-process.ts'), [], {
        execArgv: ['--import', 'tsx'],
        cwd: repoRoot,
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      // pdf.js (the kiosk's last-hop check) warns about the fonts' hinting on every document: noise here.
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (!line.startsWith('Warning: TT:')) process.stderr.write(`${line}\n`);
      });
      this.children.push(child);
      for (const s of own) this.owner.set(s.terminalId, child);
      ready.push(
        new Promise((resolveReady, reject) => {
          child.on('message', (m: FromKiosk) => {
            if (m.type === 'ready') resolveReady();
            else {
              this.free.push(m.result.terminalId);
              this.waiting.get(m.result.id)?.(m.result);
              const woken = [...this.wake];
              this.wake.clear();
              for (const w of woken) w();
            }
          });
          child.once('exit', (code) => reject(new Error(`kiosk process exited ${code}`)));
        }),
      );
      // Spread the kiosks' primaries over the centers, as stores are spread over a region's centers.
      child.send({ type: 'setup', setup: { baseUrls: baseUrlsFor(i / perProcess), caPem, kiosks: own } } satisfies ToKiosk);
    }
    await Promise.all(ready);
    this.free.push(...slots.map((s) => s.terminalId));
  }

  private async freeKiosk(): Promise<string> {
    while (this.free.length === 0) await new Promise<void>((r) => this.wake.add(r));
    return this.free.shift()!;
  }

  /** Runs the journeys on free kiosks, as many at once as there are kiosks. */
  /**
   * Runs journeys on free kiosks, as many at once as there are kiosks. `next` gives the next journey
   * (told how many are in flight), or undefined: none now — asked again after the next result while
   * any is in flight, done when none is.
   */
  async run(next: Journey[] | ((inFlight: number) => Journey | undefined), onResult?: (r: JourneyResult, done: number) => void) {
    const source = Array.isArray(next)
      ? (
          (queue) => () =>
            queue.shift()
        )([...next])
      : next;
    const results: JourneyResult[] = [];
    let inFlight = 0;
    for (;;) {
      const terminalId = await this.freeKiosk();
      const journey = source(inFlight);
      if (!journey) {
        this.free.unshift(terminalId);
        if (inFlight === 0) break;
        await new Promise<void>((r) => this.wake.add(r));
        continue;
      }
      inFlight++;
      this.waiting.set(journey.id, (r) => {
        this.waiting.delete(journey.id);
        inFlight--;
        results.push(r);
        onResult?.(r, results.length);
      });
      this.owner.get(terminalId)!.send({ type: 'journey', terminalId, journey } satisfies ToKiosk);
    }
    return results;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.exitCode !== null) return r();
            c.removeAllListeners('exit');
            c.once('exit', () => r());
            c.send({ type: 'stop' } satisfies ToKiosk);
          }),
      ),
    );
  }
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
};

async function openStore(options: LoadOptions): Promise<{ config: DatabaseConfig; url: string; stop(): Promise<void> }> {
  if (options.database === 'sqlite') {
    const path = join(options.out, 'center.sqlite');
    return { config: { kind: 'sqlite', path }, url: path, stop: async () => undefined };
  }
  const server: PostgresServer = await startPostgres({ maxConnections: 300 });
  const url = await server.createDatabase();
  return { config: { kind: 'postgres', connectionString: url }, url, stop: () => server.stop() };
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const started = Date.now();
  const { log } = options;
  rmSync(options.out, { recursive: true, force: true });
  mkdirSync(options.out, { recursive: true, mode: 0o700 });
  const store = await openStore(options);
  let centers: CenterFleet | undefined;
  const proxies: FaultProxy[] = [];
  const fleet = new Fleet();
  try {
    log(`world: ${options.municipalities} municipalities, ${options.residents} residents, ${options.kiosks} kiosks (${options.database})`);
    const world = await prepareWorld({
      dir: options.out,
      database: store.config,
      municipalities: options.municipalities,
      residents: options.residents,
      kiosks: options.kiosks,
      cardholders: Math.max(400, options.kiosks * 4, Math.ceil(options.issuances / 5)),
      seed: options.seed,
      log,
    });
    const slowCode =
      options.scenario === 'all' || options.scenario === 'slow-renders' ? world.demo.batch.municipalities.at(-1)!.code : undefined;
    const centersStartedAt = Date.now();
    // A restarted center's clock runs on from where the run's clock is, not from its start.
    const env = () => ({
      ...world.centerEnv,
      MADOGUCHI_CLOCK: new Date(Date.parse(LOAD_CLOCK) + (Date.now() - centersStartedAt)).toISOString(),
      ...(slowCode ? slowRenderEnv(slowCode) : {}),
    });
    centers = await startCenters(options.centers, env);
    log(`centers: ${centers.baseUrls.join(' ')}`);
    const urls: string[] = [];
    for (const [i, url] of centers.baseUrls.entries()) {
      if (options.faults > 0) {
        const proxy = await startFaultProxy({
          targetPort: centers.process(i).port,
          random: { seed: options.seed, resetWithinMs: { p: options.faults, withinMs: 2_000 } },
        });
        proxies.push(proxy);
        urls.push(proxy.url);
      } else urls.push(url);
    }
    const slots: KioskSlot[] = world.kiosks.map((k) => ({
      ...k,
      stateDir: join(options.out, 'kiosks', k.terminalId, 'state'),
      trayDir: join(options.out, 'kiosks', k.terminalId, 'tray'),
    }));
    await fleet.start(slots, (i) => urls.map((_, j) => urls[(i + j) % urls.length]!), world.caPem, options.kiosksPerProcess);
    log(`kiosks: ${slots.length} in ${Math.ceil(slots.length / options.kiosksPerProcess)} processes`);

    const outcome = await runScenarios(options, world, fleet, store.url, slowCode, centers);
    await fleet.stop();
    const report = await judge(options, world, outcome, store.url, centersStartedAt, slots);
    report.wallSeconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(join(options.out, 'report.json'), JSON.stringify(report, null, 2));
    return report;
  } finally {
    await fleet.stop().catch(() => undefined);
    for (const p of proxies) await p.close().catch(() => undefined);
    await centers?.stopAll();
    await store.stop();
    if (!options.keep) rmSync(options.out, { recursive: true, force: true });
  }
}

interface ScenarioOutcome {
  results: JourneyResult[];
  verdicts: Record<string, (checker: DocumentChecker) => Verdict>;
  changes: RecordChange[];
  loadSeconds: number;
  loadPrinted: number;
}

async function runScenarios(
  options: LoadOptions,
  world: World,
  fleet: Fleet,
  databaseUrl: string,
  slowCode: string | undefined,
  centers: CenterFleet,
): Promise<ScenarioOutcome> {
  const { log } = options;
  let id = 0;
  // The slowed municipality's residents meet slow renders only in their own scenario.
  const inSlowed = (c: LoadCard) => residentOf(world.demo, c).municipalityCode === slowCode;
  const cards = world.cards.filter((c) => !inSlowed(c));
  const ctx: ScenarioContext = {
    demo: world.demo,
    cards,
    kiosks: options.kiosks,
    random: seededRandom(options.seed),
    nextId: () => ++id,
  };
  const wants = (name: ScenarioName) => options.scenario === 'all' || options.scenario === name;
  const results: JourneyResult[] = [];
  const verdicts: ScenarioOutcome['verdicts'] = {};
  const servable = cards.filter((c) => {
    const r = residentOf(world.demo, c);
    return r.status === 'active' && r.recordState === 'approved';
  });
  const phase = async (name: string, journeys: Journey[]) => {
    const t = Date.now();
    const got = await fleet.run(journeys);
    results.push(...got);
    log(`  ${name}: ${got.length} journeys in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return got;
  };
  const soon = () => Date.now() + 15_000;
  if (wants('same-second')) {
    const got = await phase('same-second', sameSecond(ctx, soon()));
    verdicts['same-second'] = () => sameSecondVerdict(got);
  }
  if (wants('error-then-retry')) {
    const got = await phase('error-then-retry', errorThenRetry(ctx, servable.slice(40)));
    verdicts['error-then-retry'] = () => everyJourneyPrinted(got);
  }
  if (wants('same-resident-two-kiosks')) {
    const got = await phase('same-resident-two-kiosks', sameResidentTwoKiosks(ctx, servable.slice(80), soon()));
    verdicts['same-resident-two-kiosks'] = () => everyJourneyPrinted(got);
  }
  if (wants('multi-page')) {
    const got = await phase('multi-page', multiPage(ctx));
    verdicts['multi-page'] = (checker) => multiPageVerdict(got, (file) => checker.pages.get(file) ?? 0);
  }
  if (wants('slow-renders')) {
    const slowed = world.cards.filter((c) => {
      const r = residentOf(world.demo, c);
      return inSlowed(c) && r.status === 'active' && r.recordState === 'approved';
    });
    const got = await phase('slow-renders', slowRenders(ctx, slowed, servable.slice(120)));
    verdicts['slow-renders'] = () => slowRenderVerdict(got, new Set(slowed.map((c) => c.residentId)));
  }
  // The load, and the record changes made while it runs.
  const withChanges = wants('record-changes');
  // Residents the scenarios before served are left out: their records stay as those documents showed them.
  const plan = withChanges ? planChanges(ctx, new Set(results.map((r) => r.residentId))) : { sealCancelled: [], moved: [] };
  const planned = new Set([...plan.sealCancelled, ...plan.moved].map((c) => c.residentId));
  const pool: LoadCard[] = cards.filter((c) => !planned.has(c.residentId));
  const printedSoFar = results.filter((r) => r.outcome === 'printed').length;
  const bulk = options.scenario === 'all' || options.scenario === 'load' || withChanges ? Math.max(0, options.issuances - printedSoFar) : 0;
  // Journeys until `bulk` issuances are printed: refusals (moved out, under 15 …) do not count.
  let printedLoad = 0;
  let sent = 0;
  const next = (inFlight: number): Journey | undefined => {
    if (printedLoad + inFlight >= bulk) return undefined;
    const i = sent++;
    return withChanges && i % 20 === 10
      ? changeJourney(ctx, plan, Math.floor(i / 20))
      : mixedJourney(ctx, 'load', pool[Math.floor(ctx.random() * pool.length)]!);
  };
  let changes: RecordChange[] = [];
  let appliedAt: number | undefined;
  let applying: Promise<void> | undefined;
  const loadStarted = Date.now();
  let running = true;
  // Crashes during the load: a center killed at a random moment, restarted on its port (center-processes.ts).
  const kills = (async () => {
    for (let k = 0; k < options.centerKills && running; k++) {
      const { index } = await centers.killAtRandomMoment({ withinMs: 20_000, seed: options.seed + k });
      log(`  center ${index} killed (SIGKILL) and restarted`);
    }
  })();
  let last = Date.now();
  const got = await fleet.run(next, (r, done) => {
    if (r.outcome === 'printed') printedLoad++;
    if (withChanges && !applying && printedLoad >= bulk * 0.4) {
      applying = applyChanges(world.demo, plan, options.out, databaseUrl).then((c) => {
        changes = c;
        appliedAt = c[0]?.appliedAt ?? Date.now();
        log(`  record changes applied: ${plan.sealCancelled.length} seals cancelled, ${plan.moved.length} residents moved`);
      });
    }
    if (Date.now() - last > 10_000) {
      last = Date.now();
      log(
        `  load: ${printedLoad}/${bulk} printed, ${done} journeys (${(done / ((Date.now() - loadStarted) / 1000)).toFixed(1)} journeys/s)`,
      );
    }
  });
  running = false;
  await applying;
  await kills;
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  results.push(...got);
  // With faults, a journey may end refunded (failed) or turned away before money: the invariants judge the money.
  const faulty = options.faults > 0 || options.centerKills > 0;
  if (bulk > 0)
    verdicts.load = () =>
      everyJourneyPrinted(
        got.filter((r) => r.scenario === 'load'),
        { allowFailed: faulty },
      );
  if (withChanges)
    verdicts['record-changes'] = () =>
      changeVerdict(
        got.filter((r) => r.scenario === 'record-changes'),
        plan,
        appliedAt,
      );
  log(`  load: ${got.length} journeys in ${loadSeconds.toFixed(1)} s`);
  return { results, verdicts, changes, loadSeconds, loadPrinted: got.filter((r) => r.outcome === 'printed').length };
}

async function judge(
  options: LoadOptions,
  world: World,
  outcome: ScenarioOutcome,
  databaseUrl: string,
  centersStartedAt: number,
  slots: KioskSlot[],
): Promise<LoadReport> {
  const { results } = outcome;
  const { log } = options;
  const count = (key: (r: JourneyResult) => string | undefined, from = results) => {
    const counts: Record<string, number> = {};
    for (const r of from) {
      const k = key(r);
      if (k) counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  };
  const printed = results.filter((r) => r.outcome === 'printed');
  const documents: PrintedDocument[] = results.flatMap((r) =>
    r.printed.map((p) => ({
      file: p.file,
      issuanceId: p.issuanceId,
      copyIndex: p.copyIndex,
      terminalId: r.terminalId,
      residentId: r.residentId,
      certificateType: r.certificateType,
      confirmedAt: r.confirmedAt ?? r.startedAt,
    })),
  );
  log(`document check: ${documents.length} printed copies (pdftotext)`);
  const checker = new DocumentChecker(world.demo, outcome.changes);
  let lastLog = Date.now();
  const findings = await checker.check(documents, (done) => {
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`  checked ${done}/${documents.length}`);
    }
  });
  const scenarios: Record<string, Verdict> = {};
  for (const [name, verdict] of Object.entries(outcome.verdicts)) scenarios[name] = verdict(checker);
  log('invariants (invariants.ts)');
  const violations = await checkInvariants({
    database: databaseUrl,
    journals: slots.map((s) => s.stateDir),
    spoolDirs: slots.map((s) => join(s.stateDir, 'spool')),
    // The centers' clock started at LOAD_CLOCK when they did.
    now: new Date(Date.parse(LOAD_CLOCK) + (Date.now() - centersStartedAt)),
  });
  const stuck = results.filter((r) => r.outcome === 'stuck');
  const ok =
    findings.length === 0 &&
    violations.length === 0 &&
    stuck.length === 0 &&
    printed.length > 0 &&
    Object.values(scenarios).every((v) => v.ok);
  const paidToDone = printed.filter((r) => r.confirmedAt).map((r) => r.endedAt - r.confirmedAt!);
  return {
    ok,
    issuances: printed.length,
    byType: count((r) => (r.outcome === 'printed' ? r.certificateType : undefined)),
    outcomes: count((r) => r.outcome),
    refusals: count((r) => (r.outcome !== 'printed' ? (r.code ?? r.detail ?? 'none') : undefined)),
    loadIssuancesPerSecond: Number((outcome.loadPrinted / Math.max(outcome.loadSeconds, 0.001)).toFixed(1)),
    wholeIssuanceMs: {
      p50: percentile(
        printed.map((r) => r.endedAt - r.startedAt),
        0.5,
      ),
      p99: percentile(
        printed.map((r) => r.endedAt - r.startedAt),
        0.99,
      ),
    },
    paidToDoneMs: { p50: percentile(paidToDone, 0.5), p99: percentile(paidToDone, 0.99) },
    documents: {
      checked: documents.length,
      passed: documents.length - findings.length,
      failed: findings.length,
      findings: findings.slice(0, 20).map((f) => `${f.terminalId} ${f.issuanceId} copy ${f.copyIndex}: ${f.reason}`),
    },
    invariants: violations.slice(0, 20).map((v) => `${v.code} ${v.issuanceId ?? ''} ${v.detail ?? ''}`.trim()),
    scenarios: {
      ...scenarios,
      ...(stuck.length
        ? {
            stuck: {
              ok: false,
              detail: stuck
                .slice(0, 5)
                .map((s) => s.detail)
                .join('; '),
            },
          }
        : {}),
    },
    world: {
      municipalities: world.demo.batch.municipalities.length,
      residents: world.demo.batch.residents.length,
      cards: world.cards.length,
      timings: world.timings,
    },
    wallSeconds: 0,
  };
}

export function printReport(report: LoadReport, write: (line: string) => void): void {
  write(`issuances printed: ${report.issuances}   outcomes: ${JSON.stringify(report.outcomes)}`);
  write(`by type: ${JSON.stringify(report.byType)}`);
  write(`refusals: ${JSON.stringify(report.refusals)}`);
  write(
    `load: ${report.loadIssuancesPerSecond} issuances/s; whole issuance (card placed → done) p50 ${report.wholeIssuanceMs.p50} ms, ` +
      `p99 ${report.wholeIssuanceMs.p99} ms; confirm → done p50 ${report.paidToDoneMs.p50} ms, p99 ${report.paidToDoneMs.p99} ms`,
  );
  write(`documents checked: ${report.documents.checked}, passed ${report.documents.passed}, failed ${report.documents.failed}`);
  for (const f of report.documents.findings) write(`  ! ${f}`);
  write(`invariants: ${report.invariants.length === 0 ? 'all hold' : report.invariants.length + ' violated'}`);
  for (const v of report.invariants) write(`  ! ${v}`);
  for (const [name, v] of Object.entries(report.scenarios)) write(`scenario ${name}: ${v.ok ? 'PASS' : 'FAIL'} — ${v.detail}`);
  write(`world: ${JSON.stringify(report.world)}; wall ${report.wallSeconds} s`);
  write(report.ok ? 'LOAD RUN PASSED' : 'LOAD RUN FAILED');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const options = { ...parseLoadArgs(process.argv.slice(2)), log };
    const report = await runLoad(options);
    printReport(report, (line) => process.stdout.write(`${line}\n`));
    process.exit(report.ok ? 0 : 1);
  } catch (error) {
    log(`load run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}
