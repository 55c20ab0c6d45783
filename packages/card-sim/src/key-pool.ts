/**
 * RSA-2048 key generation costs ~80 ms of CPU per key (minutes for a few hundred cards on a busy
 * 2-core machine), so generated card keys are also kept in a pool directory shared by every demo
 * state directory on this machine. Within one state directory every card still gets a different key
 * (key i of the pool goes to the i-th new card); only separate demo worlds reuse each other's keys.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRsaKey } from './test-pki.js';

export type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };

export function defaultKeyPoolDir(): string {
  return process.env.MADOGUCHI_CARD_KEY_POOL ?? join(tmpdir(), 'madoguchi-card-key-pool');
}

/** Key number `index` of the pool, generated (and saved) when the pool has no such key yet. */
export async function pooledKey(poolDir: string | null, index: number): Promise<KeyPair> {
  if (poolDir === null) return newRsaKey();
  const path = join(poolDir, `rsa2048-${String(index).padStart(5, '0')}.pem`);
  if (existsSync(path)) {
    const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  const pair = await newRsaKey();
  mkdirSync(poolDir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${index}.tmp`;
  writeFileSync(tmp, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  renameSync(tmp, path);
  return pair;
}
