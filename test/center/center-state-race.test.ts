/**
 * Centers started together on an empty state directory (two centers on one PostgreSQL, a rolling
 * restart) each make the kiosk CA and the server's TLS certificate if they are not there yet. openssl
 * writes a key and its certificate as two files, so two makers racing could leave one's key beside the
 * other's certificate, or a server certificate signed by a CA key that was then replaced. Here three
 * processes make the state in the same empty directories at the same moments, round after round: every
 * directory ends with one CA whose key matches its certificate, one server key matching a certificate
 * that CA signed, every process was handed those same files, and no temporary file is left behind.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const RACERS = 3;
const ROUNDS = 5;
const PERIOD_MS = 1_000;

interface Seen {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

/** Starts a racer; `ready` resolves once it is loaded, `seen` with what it was handed once `go(startAt)` ran it. */
function racer(dirs: string[]): { ready: Promise<void>; go(startAt: number): void; seen: Promise<Seen[]> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/center/support/center-state-racer.ts', JSON.stringify({ dirs, periodMs: PERIOD_MS })],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  let loaded!: () => void;
  const ready = new Promise<void>((resolve) => (loaded = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) loaded();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const seen = new Promise<Seen[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      loaded();
      if (code !== 0) reject(new Error(`racer exited ${code}: ${err.slice(0, 2_000)}`));
      else
        resolve(
          out
            .trim()
            .split('\n')
            .slice(1)
            .map((line) => JSON.parse(line) as Seen),
        );
    });
  });
  return { ready, go: (startAt) => child.stdin.end(String(startAt)), seen };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const samePublicKey = (keyPem: string, cert: X509Certificate) =>
  createPublicKey(createPrivateKey(keyPem))
    .export({ type: 'spki', format: 'der' })
    .equals(cert.publicKey.export({ type: 'spki', format: 'der' }));

describe('kiosk CA and server certificate made by centers started together', () => {
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-state-race-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(`${RACERS} processes, ${ROUNDS} empty state directories each made by all at once: one matching CA and server pair each`, async () => {
    const dirs = Array.from({ length: ROUNDS }, (_, i) => join(root, `state-${i}`));
    const racers = Array.from({ length: RACERS }, () => racer(dirs));
    await Promise.all(racers.map((r) => r.ready));
    const startAt = Date.now() + 200;
    for (const r of racers) r.go(startAt);
    const seen = (await Promise.all(racers.map((r) => r.seen))).flat();
    expect(seen).toHaveLength(RACERS * ROUNDS);
    for (const dir of dirs) {
      const caCert = new X509Certificate(readFileSync(join(dir, 'kiosk-ca', 'kiosk-ca.cert.pem')));
      const serverCert = new X509Certificate(readFileSync(join(dir, 'tls', 'server.cert.pem')));
      const files = {
        dir,
        caKeyMatches: samePublicKey(readFileSync(join(dir, 'kiosk-ca', 'kiosk-ca.key.pem'), 'utf8'), caCert),
        serverKeyMatches: samePublicKey(readFileSync(join(dir, 'tls', 'server.key.pem'), 'utf8'), serverCert),
        serverSignedByCa: serverCert.verify(caCert.publicKey),
        leftovers: [...readdirSync(join(dir, 'kiosk-ca')), ...readdirSync(join(dir, 'tls'))].filter((name) => name.includes('.tmp')),
      };
      expect(files).toEqual({ dir, caKeyMatches: true, serverKeyMatches: true, serverSignedByCa: true, leftovers: [] });
      const final: Seen = {
        dir,
        caCert: sha(join(dir, 'kiosk-ca', 'kiosk-ca.cert.pem')),
        caKey: sha(join(dir, 'kiosk-ca', 'kiosk-ca.key.pem')),
        serverCert: sha(join(dir, 'tls', 'server.cert.pem')),
        serverKey: sha(join(dir, 'tls', 'server.key.pem')),
      };
      expect(seen.filter((s) => s.dir === dir)).toEqual(Array(RACERS).fill(final));
    }
  }, 120_000);
});
