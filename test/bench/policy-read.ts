/**
 * CPU per policy read (issue 14 item 5): policyIn when its cache already holds the municipality's policy, the
 * steady state of every issuance (several reads each). On SQLite it runs as the SQLite thread runs it, on a
 * better-sqlite3 connection of this thread with its statements kept prepared (as test/bench/eligibility-cpu.ts);
 * `--db postgres` reads through the center's own pool from a throwaway server (this process's CPU only: the
 * server's is not counted, the wall time per read is printed with it). Two forms: a bare read, and the
 * issuance's, in a read transaction with the municipality and the holiday in the same statement.
 *
 *   corepack pnpm exec tsx test/bench/policy-read.ts [--db sqlite|postgres] [--rounds 10] [--reads 2000] [--baseline <dir>]
 *
 * `--baseline <dir>`: a copy of apps/center/src from another commit where it resolves the workspace's packages (e.g.
 * `git archive <commit> apps/center/src | tar -x -C apps/center/node_modules/.bench-policy --strip-components=2`,
 * then `--baseline apps/center/node_modules/.bench-policy/src`). Both versions then run in this process on the same
 * database, alternating round by round, after checking that they answer the same policy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { demoPolicies } from '@madoguchi/shared/demo-data';
import { migrate, openDatabase } from '@madoguchi/center';
import { readTransaction, type CenterDatabase } from '@madoguchi/center/db';
import { policyIn, putPolicy } from '@madoguchi/center/policy';
import { startPostgres } from '../support/postgres.js';
import { openInThreadSqlite } from './in-thread-sqlite.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '10' },
    reads: { type: 'string', default: '2000' },
    baseline: { type: 'string' },
  },
});
const rounds = Number(args.rounds);
const reads = Number(args.reads);

interface Version {
  policyIn: typeof policyIn;
  readTransaction: typeof readTransaction;
}
const versions: Record<string, Version> = { current: { policyIn, readTransaction } };
if (args.baseline) {
  const base = (path: string) => import(pathToFileURL(resolve(args.baseline!, path)).href);
  versions.baseline = { ...(await base('policy/policy-store.ts')), ...(await base('db/database.ts')) } as Version;
}

const policy = demoPolicies()[0]!;
const code = policy.municipalityCode;
const day = '2026-12-08';

let database: CenterDatabase;
let stored: unknown;
let done: () => Promise<void>;
if (args.db === 'postgres') {
  const server = await startPostgres();
  database = await openDatabase({ kind: 'postgres', connectionString: await server.createDatabase() });
  await migrate(database);
  stored = await putPolicy(database, policy);
  done = async () => {
    await database.close();
    await server.stop();
  };
} else {
  // Written through the center's own thread, then read here on a connection of this thread.
  const dir = mkdtempSync(join(tmpdir(), 'policy-read-'));
  const path = join(dir, 'center.sqlite');
  const writer = await openDatabase({ kind: 'sqlite', path });
  await migrate(writer);
  stored = await putPolicy(writer, policy);
  await writer.close();
  const inThread = openInThreadSqlite(path);
  database = inThread.database;
  done = async () => {
    inThread.close();
    rmSync(dir, { recursive: true, force: true });
  };
}

const bare = (v: Version) => v.policyIn(database.db, code);
const inSnapshot = (v: Version) => v.readTransaction(database, (trx) => v.policyIn(trx, code, day));

for (const [name, v] of Object.entries(versions)) {
  for (const read of [bare, inSnapshot]) {
    // Twice: the first read parses, the second is answered from the cache.
    await read(v);
    const answer = await read(v);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(answer)), JSON.parse(JSON.stringify(stored))))
      throw new Error(`${name} answers another policy`);
  }
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
type Figures = { bare: number[]; snapshot: number[]; wall: number[] };
const figures: Record<string, Figures> = {};
// Round 0 warms every path and is not counted.
for (let round = 0; round <= rounds; round++) {
  const order = round % 2 ? Object.keys(versions) : Object.keys(versions).reverse();
  for (const name of order) {
    const v = versions[name]!;
    const f = (figures[name] ??= { bare: [], snapshot: [], wall: [] });
    let t = cpuUs();
    const w = performance.now();
    for (let i = 0; i < reads; i++) await bare(v);
    const bareUs = (cpuUs() - t) / reads;
    const wallUs = ((performance.now() - w) * 1000) / reads;
    t = cpuUs();
    for (let i = 0; i < reads; i++) await inSnapshot(v);
    const snapshotUs = (cpuUs() - t) / reads;
    if (round > 0) {
      f.bare.push(bareUs);
      f.snapshot.push(snapshotUs);
      f.wall.push(wallUs);
    }
  }
}
await done();

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
process.stdout.write(`${args.db}, ${reads} reads × ${rounds} rounds, load ${loadavg()[0]!.toFixed(1)}\n`);
process.stdout.write('| version | bare read µs CPU (median of rounds) | its wall µs | in a read transaction µs CPU |\n|---|---|---|---|\n');
for (const [name, f] of Object.entries(figures)) {
  process.stdout.write(`| ${name} | ${median(f.bare).toFixed(1)} | ${median(f.wall).toFixed(1)} | ${median(f.snapshot).toFixed(1)} |\n`);
}
if (figures.baseline && figures.current) {
  const ratio = (k: keyof Figures) => {
    const r = figures.current![k].map((v, i) => v / figures.baseline![k][i]!);
    return `×${median(r).toFixed(2)} (rounds ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`;
  };
  process.stdout.write(`current / baseline, median of per-round ratios: bare ${ratio('bare')}, wall ${ratio('wall')}, `);
  process.stdout.write(`in a read transaction ${ratio('snapshot')}\n`);
}
