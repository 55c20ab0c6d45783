/**
 * CPU per eligibility decision as the SQLite thread runs it (issue 14 item 5): menuIn (the session's menu at
 * sign-in, every certificate type) and eligibilityIn (the quote and the payment, one type), each in its own
 * read transaction on a better-sqlite3 connection of this thread over the demo world, with prepared
 * statements kept as the SQLite thread keeps them. The fleet's residents: the first 25 demo residents a
 * 住民票 may be issued to, at the fleet's instant (TEST_NOW).
 *
 *   corepack pnpm exec tsx test/bench/eligibility-cpu.ts [--rounds 10] [--baseline <dir>]
 *
 * `--baseline <dir>`: a copy of apps/center/src from another commit, placed where it resolves the workspace's
 * packages (e.g. `git archive <commit> apps/center/src | tar -x -C apps/center/node_modules/.bench-base
 * --strip-components=2`, then `--baseline apps/center/node_modules/.bench-base/src`). Both versions then run
 * in this process, alternating round by round, and their answers are compared over every demo resident ×
 * type first: any difference aborts. Prints CPU µs per call (process CPU: this process runs nothing else).
 * `--current <dir>` takes the version under test from a copy too (a copy under node_modules needs a package.json
 * saying "type": "module" in its folder). Each version runs in its own readTransaction: with another copy's, every
 * read the snapshot shares (db/snapshot-reads.ts) went to SQLite again and an A/A run read ×2.5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { certificateTypes, type CertificateType } from '@madoguchi/shared';
import { migrate, openDatabase } from '@madoguchi/center';
import { readTransaction } from '@madoguchi/center/db';
import * as current from '@madoguchi/center/eligibility';
import { TEST_NOW } from '../center/support/center-harness.js';
import { demo, seedDemoWorld } from '../support/demo-world.js';
import { openInThreadSqlite } from './in-thread-sqlite.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    baseline: { type: 'string' },
    current: { type: 'string' },
    only: { type: 'string' },
  },
});
const rounds = Number(args.rounds);

/** A version's engine with its own readTransaction: a snapshot's reads are shared through its module's state (db/snapshot-reads.ts). */
type Engine = Pick<typeof current, 'menuIn' | 'eligibilityIn'> & { readTransaction: typeof readTransaction };
const engineAt = async (dir: string): Promise<Engine> => ({
  ...((await import(pathToFileURL(resolve(dir, 'eligibility/index.ts')).href)) as Engine),
  readTransaction: ((await import(pathToFileURL(resolve(dir, 'db/index.ts')).href)) as { readTransaction: typeof readTransaction })
    .readTransaction,
});
const engines: Record<string, Engine> = { current: args.current ? await engineAt(args.current) : { ...current, readTransaction } };
if (args.baseline) engines.baseline = await engineAt(args.baseline);
const only = args.only;
if (only) for (const name of Object.keys(engines)) if (name !== only) delete engines[name];

// The world, written through the center's own thread, then read here on a connection of this thread.
const dir = mkdtempSync(join(tmpdir(), 'eligibility-cpu-'));
const path = join(dir, 'center.sqlite');
{
  const database = await openDatabase({ kind: 'sqlite', path });
  await migrate(database);
  await seedDemoWorld(database);
  await database.close();
}
const { database, close: closeSqlite } = openInThreadSqlite(path);

const menu = (engine: Engine, residentId: string) =>
  engine.readTransaction(database, (trx) =>
    engine.menuIn(trx, { residentId, now: TEST_NOW, authCertificateNotAfter: new Date('2030-01-01') }),
  );
const decide = (engine: Engine, residentId: string, certificateType: CertificateType) =>
  engine.readTransaction(database, (trx) =>
    engine.eligibilityIn(trx, {
      residentId,
      certificateType,
      options: certificateType === 'taxCertificate' ? { tax: { kind: 'income', taxYear: 2025 } } : {},
      copies: 1,
      now: TEST_NOW,
    }),
  );

const residents: string[] = [];
for (const r of demo.batch.residents) {
  if (residents.length === 25) break;
  if ((await decide(engines.current!, r.residentId, 'residenceRecord')).ok) residents.push(r.residentId);
}

// The same answers from every version, over every demo resident and type, before any timing.
if (engines.baseline && engines.current) {
  let compared = 0;
  for (const r of demo.batch.residents) {
    const [a, b] = [await menu(engines.baseline, r.residentId), await menu(engines.current, r.residentId)];
    if (!isDeepStrictEqual(a, b)) throw new Error(`menu differs for ${r.residentId}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    for (const type of certificateTypes as readonly CertificateType[]) {
      const [x, y] = [await decide(engines.baseline, r.residentId, type), await decide(engines.current, r.residentId, type)];
      if (!isDeepStrictEqual(x, y)) throw new Error(`${type} differs for ${r.residentId}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
      compared++;
    }
  }
  process.stdout.write(`same answers: ${demo.batch.residents.length} menus and ${compared} decisions\n`);
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const figures: Record<string, { menu: number[]; eligibility: number[] }> = {};
// Round 0 warms every path (JIT, fonts, statements) and is not counted.
for (let round = 0; round <= rounds; round++) {
  const order = round % 2 ? Object.keys(engines) : Object.keys(engines).reverse();
  for (const name of order) {
    const engine = engines[name]!;
    const f = (figures[name] ??= { menu: [], eligibility: [] });
    let t = cpuUs();
    for (const id of residents) await menu(engine, id);
    const menuUs = (cpuUs() - t) / residents.length;
    t = cpuUs();
    for (const id of residents) {
      await decide(engine, id, 'residenceRecord');
      await decide(engine, id, 'residenceRecord');
    }
    const eligibilityUs = (cpuUs() - t) / residents.length / 2;
    if (round > 0) {
      f.menu.push(menuUs);
      f.eligibility.push(eligibilityUs);
    }
  }
}
closeSqlite();
rmSync(dir, { recursive: true, force: true });

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
process.stdout.write(`${residents.length} residents, ${rounds} rounds, load ${loadavg()[0]!.toFixed(1)}\n`);
process.stdout.write('| version | menuIn µs CPU (median of rounds) | eligibilityIn (住民票) µs CPU |\n|---|---|---|\n');
for (const [name, f] of Object.entries(figures)) {
  process.stdout.write(`| ${name} | ${median(f.menu).toFixed(0)} | ${median(f.eligibility).toFixed(0)} |\n`);
}
if (figures.baseline && figures.current) {
  const ratio = (k: 'menu' | 'eligibility') => {
    const r = figures.current![k].map((v, i) => v / figures.baseline![k][i]!);
    return `×${median(r).toFixed(2)} (rounds ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
  };
  process.stdout.write(`current / baseline, median of per-round ratios: menuIn ${ratio('menu')}, eligibilityIn ${ratio('eligibility')}\n`);
}
