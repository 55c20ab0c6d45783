/**
 * Enrols a load run's kiosks through the center's own `enrollKiosk` (the real kiosk CA signs each
 * client certificate, the registry and the audit chain record it), several kiosks at once.
 *
 * Why processes: `enrollKiosk` signs with the `openssl` command synchronously (kiosk-ca.ts), so calls
 * in one process never overlap, and the world's process holds the whole generated world (about 1 GB
 * at 50,000 residents), which every spawn of openssl from it pays for. One at a time, 200 kiosks took
 * 133–157 s at load 20–39 (docs/load.md#full-run). Each worker here is a small process of its own,
 * with its own handle on the database (SQLite: the center's busy timeout queues the writers, as for
 * two centers; PostgreSQL: a pool each), so its openssl calls and its transactions overlap the others'.
 *
 * Every kiosk shares one EC key (node:crypto, once) and gets its own CSR, written and signed here with
 * node:crypto (one openssl start-up less per kiosk; the center's `openssl req -verify` checks it), and
 * its own certificate: the center knows a kiosk by its certificate's fingerprint, never by its key.
 */
import { fork } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { enrollKiosk, ensureKioskCa, openDatabase } from '@madoguchi/center';
import type { DatabaseConfig } from '@madoguchi/center/db';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface KioskToEnrol {
  terminalId: string;
  storeCode: string;
  storeName: string;
}

export interface EnrolJob {
  database: DatabaseConfig;
  /** The kiosk CA's directory (ensureKioskCa): made before the workers start. */
  kioskCaDir: string;
  /** The kiosks' shared EC P-256 key (PKCS#8 PEM): `newKioskKeyPem()`. */
  keyPem: string;
  kiosks: KioskToEnrol[];
}

/** A worker's answer: one certificate per kiosk it was given, in order, or the first error. */
type WorkerAnswer = { ok: true; certificates: string[] } | { ok: false; error: string };

/** An EC P-256 key for the run's kiosks, as a kiosk's setup makes one (kiosk-ca.ts createKioskKeyAndCsr). */
export const newKioskKeyPem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** DER: a tag, its length and its contents (lengths below 64 KiB: a CSR's). */
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
};

/**
 * A PKCS#10 request (RFC 2986) for `/O=Madoguchi kiosk/CN=<terminalId>`, as `openssl req -new -subj` writes it
 * (UTF8String names, no attributes), signed ecdsa-with-SHA256 with the kiosk's key.
 */
export function kioskCsrPem(keyPem: string, terminalId: string): string {
  const key = createPrivateKey(keyPem);
  const utf8Name = (oid: number[], value: string) =>
    tlv(0x31, tlv(0x30, tlv(0x06, Buffer.from(oid)), tlv(0x0c, Buffer.from(value, 'utf8'))));
  const subject = tlv(0x30, utf8Name([0x55, 0x04, 0x0a], 'Madoguchi kiosk'), utf8Name([0x55, 0x04, 0x03], terminalId));
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const info = tlv(0x30, tlv(0x02, Buffer.from([0])), subject, spki, tlv(0xa0));
  // 1.2.840.10045.4.3.2 ecdsa-with-SHA256, no parameters.
  const algorithm = tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));
  const signature = tlv(0x03, Buffer.from([0]), sign('sha256', info, key));
  const base64 = tlv(0x30, info, algorithm, signature).toString('base64');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** Enrols `kiosks` in `workers` processes at once (0: here, one after another); certificates in the order of `kiosks`. */
export async function enrolKiosks(job: EnrolJob, workers = 2): Promise<string[]> {
  if (workers === 0) return enrolHere(job);
  const count = Math.max(1, Math.min(workers, job.kiosks.length));
  // Contiguous slices, so the answers join back in order.
  const size = Math.ceil(job.kiosks.length / count);
  const slices = Array.from({ length: count }, (_, w) => job.kiosks.slice(w * size, (w + 1) * size)).filter((s) => s.length > 0);
  const answers = await Promise.all(slices.map((kiosks) => enrolInWorker({ ...job, kiosks })));
  return answers.flat();
}

function enrolInWorker(job: EnrolJob): Promise<string[]> {
  return new Promise((resolveAnswer, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answered = false;
    child.once('message', (answer: WorkerAnswer) => {
      answered = true;
      if (answer.ok) resolveAnswer(answer.certificates);
      else reject(new Error(`kiosk enrolment: ${answer.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`kiosk enrolment worker exited ${code ?? signal} before answering`));
    });
    child.send(job);
  });
}

/** A CSR for each kiosk (on the shared key), then the center's enrolment: in a worker, or here with `workers` 0. */
async function enrolHere(job: EnrolJob): Promise<string[]> {
  const database = await openDatabase(job.database);
  try {
    const ca = ensureKioskCa(job.kioskCaDir);
    const certificates: string[] = [];
    for (const kiosk of job.kiosks) {
      const csrPem = kioskCsrPem(job.keyPem, kiosk.terminalId);
      const enrollment = await enrollKiosk(database, ca, { csrPem, printerId: 'P01', ...kiosk });
      certificates.push(enrollment.certificatePem);
    }
    return certificates;
  } finally {
    await database.close();
  }
}

if (process.send && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.once('message', (job: EnrolJob) => {
    enrolHere(job).then(
      (certificates) => process.send!({ ok: true, certificates } satisfies WorkerAnswer, () => process.exit(0)),
      (error: unknown) =>
        process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerAnswer, () =>
          process.exit(1),
        ),
    );
  });
}
