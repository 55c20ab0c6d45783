/**
 * Center benchmark: whole kiosk issuances over real mutual TLS with the real renderer
 * (challenge → card signature → quote → payment → delivered PDF → print result), measured
 * one at a time (baseline) and from several kiosks at once, on SQLite and on PostgreSQL.
 * Every delivered document is checked as a kiosk checks it; a wrong one aborts the run.
 *
 *   pnpm exec tsx test/bench/center-issuance.ts [flows=12] [kiosks=6]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { openDatabase, migrate } from '@madoguchi/center';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { startCenter, TEST_NOW, type CenterHarness, type TestCard, type TestKiosk } from '../center/support/center-harness.js';
import { checkDelivered } from '../center/support/kiosk-checks.js';
import { startPostgres } from '../support/postgres.js';

const flows = Number(process.argv[2] ?? 12);
const kioskCount = Number(process.argv[3] ?? 6);

async function oneIssuance(center: CenterHarness, kiosk: TestKiosk, card: TestCard, keyPem: string): Promise<number> {
  const started = performance.now();
  const session = await center.authenticate(kiosk, card);
  if (!session.ok) throw new Error(`authenticate ${session.status}`);
  const q = await center.quote(kiosk, session.body.sessionId);
  if (!q.ok) throw new Error(`quote ${q.status} ${JSON.stringify(q.body)}`);
  const d = await center.pay(kiosk, q.body);
  if (!d.ok) throw new Error(`payment ${d.status} ${JSON.stringify(d.body)}`);
  const { binding } = checkDelivered(d.body.documents[0]!, keyPem, { authCertificateSha256: card.sha256, issuanceId: q.body.issuanceId });
  const p = await center.reportPrint(kiosk, q.body.issuanceId, { issueNumber: binding.issueNumber });
  if (!p.ok) throw new Error(`print result ${p.status}`);
  return performance.now() - started;
}

/**
 * CPU of the whole process (every thread: center, its SQLite and render threads, and this script's
 * kiosks) per issuance since `start`. The kiosks' share (TLS, signature and digest checks) is in it:
 * read it as an upper bound on the center's.
 */
const cpuMsPerIssuance = (start: NodeJS.CpuUsage): string => {
  const { user, system } = process.cpuUsage(start);
  return ((user + system) / 1000 / flows).toFixed(1);
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

async function run(label: string, config: DatabaseConfig): Promise<void> {
  const database = await openDatabase(config);
  await migrate(database);
  const center = await startCenter(database, { build: { sweeper: false }, renderWorkers: 2 });
  try {
    const kiosks = await Promise.all(Array.from({ length: kioskCount }, () => center.enrollKiosk()));
    const residents: string[] = [];
    for (const r of center.demo.batch.residents) {
      if (residents.length === kioskCount) break;
      if (
        (
          await checkEligibility({
            database,
            residentId: r.residentId,
            certificateType: 'residenceRecord',
            options: {},
            copies: 1,
            now: TEST_NOW,
          })
        ).ok
      )
        residents.push(r.residentId);
    }
    const cards = await Promise.all(residents.map((id) => center.issueCard(id)));
    const keyPem = await center.bindingKeyPem(kiosks[0]!);
    // Warm-up: both render workers load their fonts.
    await Promise.all([0, 1].map((i) => oneIssuance(center, kiosks[i]!, cards[i]!, keyPem)));

    const sequential: number[] = [];
    const seqStart = performance.now();
    let cpuStart = process.cpuUsage();
    for (let i = 0; i < flows; i++) sequential.push(await oneIssuance(center, kiosks[i % kioskCount]!, cards[i % kioskCount]!, keyPem));
    const seqSeconds = (performance.now() - seqStart) / 1000;
    const seqCpu = cpuMsPerIssuance(cpuStart);

    const concurrent: number[] = [];
    const parStart = performance.now();
    cpuStart = process.cpuUsage();
    await Promise.all(
      kiosks.map(async (kiosk, k) => {
        for (let i = k; i < flows; i += kioskCount) concurrent.push(await oneIssuance(center, kiosk, cards[k]!, keyPem));
      }),
    );
    const parSeconds = (performance.now() - parStart) / 1000;
    const parCpu = cpuMsPerIssuance(cpuStart);
    const seqRate = flows / seqSeconds;
    const parRate = flows / parSeconds;
    process.stdout.write(
      `${label}: one at a time ${seqRate.toFixed(2)} issuances/s ` +
        `(median ${median(sequential).toFixed(0)} ms, p95 ${p95(sequential).toFixed(0)} ms, CPU ${seqCpu} ms each); ` +
        `${kioskCount} kiosks at once ${parRate.toFixed(2)} issuances/s ` +
        `(median ${median(concurrent).toFixed(0)} ms, p95 ${p95(concurrent).toFixed(0)} ms, CPU ${parCpu} ms each); ` +
        `ratio ×${(parRate / seqRate).toFixed(2)}\n`,
    );
  } finally {
    await center.close();
    await database.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-'));
const postgres = await startPostgres();
try {
  process.stdout.write(
    `${flows} issuances (住民票の写し, 1 copy), 2 render workers, load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}\n`,
  );
  await run('sqlite', { kind: 'sqlite', path: join(dir, 'bench.sqlite') });
  await run('postgres', { kind: 'postgres', connectionString: await postgres.createDatabase() });
} finally {
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
