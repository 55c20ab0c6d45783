/**
 * Kiosk enrolment for a load run, before and after enrol-kiosks.ts, in one run (docs/load.md#kiosk-enrolment):
 * the baseline is the harness's old way (the CSRs 4 at a time, then the center's `enrollKiosk` one
 * kiosk after another in this process), the new one `enrolKiosks` with its worker processes. Each
 * on a fresh SQLite database and kiosk CA; every certificate is checked to be signed by that CA and
 * every kiosk to be in the registry, so a faster way that enrols less fails here.
 *
 *   corepack pnpm exec tsx test/load/enrol-bench.ts [--kiosks 200] [--workers 0,1,2,4] [--residents 0]
 *
 * `--residents N` first generates the demo world of N residents and keeps it in memory, as the load
 * run's process does while it enrols (its heap is what each spawn of openssl pays for).
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createKioskKeyAndCsr, enrollKiosk, ensureKioskCa, listKiosks, migrate, openDatabase } from '@madoguchi/center';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { enrolKiosks, newKioskKeyPem, type KioskToEnrol } from './enrol-kiosks.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    kiosks: { type: 'string', default: '200' },
    workers: { type: 'string', default: '0,1,2,4' },
    residents: { type: 'string', default: '0' },
  },
});
const count = Number(values.kiosks);
const workers = values.workers.split(',').map(Number);
const residents = Number(values.residents);

/** The harness's enrolment before enrol-kiosks.ts (world.ts at commit c3ae2a4). */
async function baseline(dir: string, keyPath: string, kiosks: KioskToEnrol[]): Promise<string[]> {
  const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'center.sqlite') });
  try {
    const ca = ensureKioskCa(join(dir, 'kiosk-ca'));
    const csrs: string[] = new Array<string>(kiosks.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < kiosks.length) {
          const i = next++;
          const subject = `/O=Madoguchi kiosk/CN=${kiosks[i]!.terminalId}`;
          csrs[i] = (await run('openssl', ['req', '-new', '-key', keyPath, '-subj', subject])).stdout;
        }
      }),
    );
    const certificates: string[] = [];
    for (const [i, kiosk] of kiosks.entries())
      certificates.push((await enrollKiosk(database, ca, { csrPem: csrs[i]!, printerId: 'P01', ...kiosk })).certificatePem);
    return certificates;
  } finally {
    await database.close();
  }
}

const pooled =
  (workers: number) =>
  async (dir: string, _keyPath: string, kiosks: KioskToEnrol[]): Promise<string[]> => {
    ensureKioskCa(join(dir, 'kiosk-ca'));
    const database = { kind: 'sqlite', path: join(dir, 'center.sqlite') } as const;
    return enrolKiosks({ database, kioskCaDir: join(dir, 'kiosk-ca'), keyPem: newKioskKeyPem(), kiosks }, workers);
  };

/** Every certificate signed by the run's kiosk CA, and every kiosk in the registry. */
async function check(dir: string, certificates: string[]): Promise<void> {
  const caKey = new X509Certificate(readFileSync(join(dir, 'kiosk-ca', 'kiosk-ca.cert.pem'))).publicKey;
  const unsigned = certificates.filter((pem) => !new X509Certificate(pem).verify(caKey)).length;
  const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'center.sqlite') });
  const enrolled = (await listKiosks(database)).length;
  await database.close();
  if (certificates.length !== count || unsigned > 0 || enrolled !== count)
    throw new Error(`${certificates.length} certificates, ${unsigned} not signed by the CA, ${enrolled} kiosks enrolled; wanted ${count}`);
}

const root = mkdtempSync(join(tmpdir(), 'madoguchi-enrol-bench-'));
try {
  const world = residents > 0 ? generateDemoData(1, { municipalities: 12, residents }) : undefined;
  if (world) console.log(`holding a generated world of ${world.batch.residents.length} residents`);
  const key = createKioskKeyAndCsr(join(root, 'key'), 'LOAD-KEY');
  const kiosks: KioskToEnrol[] = Array.from({ length: count }, (_, k) => ({
    terminalId: `LOAD-${String(k + 1).padStart(4, '0')}`,
    storeCode: `S${String(k + 1).padStart(4, '0')}`,
    storeName: `負荷試験店 ${k + 1}`,
  }));
  const timings: Record<string, number> = {};
  const ways: [string, typeof baseline][] = [
    ['baseline (openssl CSRs, then in-process one at a time)', baseline],
    ...workers.map((w): [string, typeof baseline] => [
      w === 0 ? 'enrolKiosks here (node:crypto CSRs, one at a time)' : `enrolKiosks in ${w} processes`,
      pooled(w),
    ]),
  ];
  for (const [k, [name, enrol]] of ways.entries()) {
    const dir = join(root, String(k));
    mkdirSync(dir, { recursive: true });
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'center.sqlite') });
    await migrate(database);
    await database.close();
    const started = performance.now();
    const certificates = await enrol(dir, key.keyPath, kiosks);
    timings[name] = performance.now() - started;
    await check(dir, certificates);
    console.log(`${name}: ${count} kiosks in ${(timings[name] / 1000).toFixed(1)} s (${(timings[name] / count).toFixed(0)} ms a kiosk)`);
  }
  const [before, ...after] = Object.entries(timings);
  for (const [name, ms] of after) console.log(`${name}: x${(before![1] / ms).toFixed(2)} the baseline's speed`);
  if (world) console.log(`(world held: ${world.batch.residents.length} residents)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
