/**
 * Municipal data, eligibility and certificate-data benchmark on both databases.
 *
 *   pnpm exec tsx test/bench/municipal-data.ts [--iterations 200] [--imports 3]
 *
 * Prints, per database (a SQLite file in a temp dir, a throwaway PostgreSQL 15 on loopback):
 *  - importing the demo world (≈1,200 records, validated, one transaction), median of --imports;
 *  - checkEligibility (住民票, with the renderer's printability check), loadCertificateData (住民票,
 *    4 members), menuFor (7 types), median / p90 over --iterations;
 *  - the baseline in the same run: one `select 1` round trip, and each figure as a ratio of it —
 *    every call reads afresh (no cache), so the ratio is "how many round trips' worth" a call costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { openDatabase, migrate, type CenterDatabase } from '@madoguchi/center';
import { checkEligibility, menuFor } from '@madoguchi/center/eligibility';
import { createMunicipalStore } from '@madoguchi/center/residents';
import { startPostgres } from '../support/postgres.js';
import { demo, demoNow, seedDemoWorld } from '../support/demo-world.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const iterations = arg('iterations', 200);
const imports = arg('imports', 3);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
};

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function bench(label: string, configs: () => Promise<DatabaseConfig>): Promise<void> {
  const importTimes: number[] = [];
  let database: CenterDatabase | undefined;
  for (let i = 0; i < imports; i++) {
    const d = await openDatabase(await configs());
    await migrate(d);
    const t = performance.now();
    await seedDemoWorld(d);
    importTimes.push(performance.now() - t);
    if (database) await database.close();
    database = d;
  }
  const db = database!;
  const store = createMunicipalStore(db);
  const base = { database: db, residentId: demo.featured.ordinary, now: demoNow };
  await checkEligibility({ ...base, certificateType: 'residenceRecord', options: {}, copies: 1 }); // warm fonts
  const baseline = await time(iterations, () => sql`select 1`.execute(db.db));
  const eligibility = await time(iterations, () =>
    checkEligibility({ ...base, certificateType: 'residenceRecord', options: {}, copies: 1 }),
  );
  const data = await time(iterations, () => store.loadCertificateData({ ...base, certificateType: 'residenceRecord', options: {} }));
  const menu = await time(Math.max(10, Math.floor(iterations / 4)), () => menuFor(base));
  const b = quantile(baseline, 0.5);
  const row = (name: string, v: number[]) =>
    `| ${label} | ${name} | ${quantile(v, 0.5).toFixed(2)} | ${quantile(v, 0.9).toFixed(2)} | ×${(quantile(v, 0.5) / b).toFixed(1)} |`;
  console.log(row('import demo world (1,209 records + 3 policies + holidays)', importTimes));
  console.log(row('checkEligibility 住民票', eligibility));
  console.log(row('loadCertificateData 住民票', data));
  console.log(row('menuFor (7 types)', menu));
  console.log(row('baseline: select 1', baseline));
  await db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
let n = 0;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; iterations ${iterations}, imports ${imports}`,
);
console.log('| database | operation | median ms | p90 ms | median / select 1 |');
console.log('|---|---|---|---|---|');
try {
  await bench('SQLite', async () => ({ kind: 'sqlite', path: join(dir, `bench-${++n}.sqlite`) }));
  const server = await startPostgres();
  try {
    await bench('PostgreSQL', async () => ({ kind: 'postgres', connectionString: await server.createDatabase() }));
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
