/**
 * One of several processes making the center's state in the same directories at the same moments, as
 * centers started together on an empty state directory do (center-state-race.test.ts). Argument: JSON
 * { dirs, periodMs }. Prints `ready` once loaded, then reads the start time (epoch ms) from stdin; round r
 * starts at start + r * periodMs. Prints, per round, what this process was handed: the SHA-256 of the
 * kiosk CA and server certificate and key files it read back.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ensureCenterState } from '@madoguchi/center';

const { dirs, periodMs } = JSON.parse(process.argv[2] ?? '{}') as { dirs: string[]; periodMs: number };
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const pause = new Int32Array(new SharedArrayBuffer(4));

process.stdout.write('ready\n');
const startAt = await new Promise<number>((resolve) => process.stdin.once('data', (chunk: Buffer) => resolve(Number(chunk.toString()))));
process.stdin.destroy();

for (const [round, dir] of dirs.entries()) {
  const wait = startAt + round * periodMs - Date.now();
  if (wait > 0) Atomics.wait(pause, 0, 0, wait);
  const state = ensureCenterState(dir);
  const seen = {
    dir,
    caCert: sha(state.kioskCaCertPath),
    caKey: sha(`${state.kioskCaDir}/kiosk-ca.key.pem`),
    serverCert: sha(state.serverCertPath),
    serverKey: sha(state.serverKeyPath),
  };
  process.stdout.write(`${JSON.stringify(seen)}\n`);
}
