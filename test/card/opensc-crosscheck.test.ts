/**
 * The virtual card judged by an implementation nobody here wrote: OpenSC's JPKI driver, over the
 * same pcscd + vpcd rig (docs/jpki-card.md#opensc).
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPcscRig, type PcscRig } from '../support/pcsc-rig.js';
import { makeCardWorld } from './card-world.js';

const run = promisify(execFile);
let rig: PcscRig;
let world: Awaited<ReturnType<typeof makeCardWorld>>;
const cardId = 'card-CT-0001';

beforeAll(async () => {
  world = await makeCardWorld();
  rig = await startPcscRig({ cardStateDir: world.stateDir });
  await rig.insert(cardId);
  // pcscd notices the card at its next presence poll.
  const deadline = Date.now() + 5000;
  while (!(await tool('opensc-tool', ['--atr'])).ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  await rig?.stop();
  if (world) rmSync(world.stateDir, { recursive: true, force: true });
});

/** Runs an OpenSC/openssl tool against the rig's pcscd; resolves with stdout+stderr even on failure. */
async function tool(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { env: rig.env, cwd: rig.dir, timeout: 20_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const triesLeft = () =>
  (JSON.parse(readFileSync(join(world.stateDir, 'cards', cardId, 'counters.json'), 'utf8')) as { authPinTriesLeft: number })
    .authPinTriesLeft;

describe('OpenSC against the virtual My Number card', () => {
  it('opensc-tool -an recognises the card as jpki', async () => {
    const { ok, output } = await tool('opensc-tool', ['-an']);
    expect(ok).toBe(true);
    expect(output).toMatch(/^jpki$/m);
  });

  it('pkcs15-tool --read-certificate 1 returns exactly the card certificate (EF filler ignored)', async () => {
    const pemPath = join(rig.dir, 'opensc-cert.pem');
    const { ok, output } = await tool('pkcs15-tool', ['--read-certificate', '1', '-o', pemPath]);
    expect(ok, output).toBe(true);
    const fromOpenSc = new X509Certificate(readFileSync(pemPath)).raw;
    expect(fromOpenSc.equals(Buffer.from(world.cards.get(cardId)!.certificateDer))).toBe(true);
  });

  it('pkcs15-crypt --sign makes a signature that openssl verifies with the certificate key', async () => {
    const message = join(rig.dir, 'message');
    const hash = join(rig.dir, 'hash');
    const signature = join(rig.dir, 'signature');
    const publicKey = join(rig.dir, 'public.pem');
    writeFileSync(message, 'Madoguchi cross-check challenge');
    writeFileSync(hash, createHash('sha256').update(readFileSync(message)).digest());
    writeFileSync(
      publicKey,
      new X509Certificate(world.cards.get(cardId)!.certificateDer).publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const signed = await tool('pkcs15-crypt', [
      '--sign',
      '--key',
      '01',
      '--pin',
      '1234',
      '--sha-256',
      '--pkcs1',
      '-i',
      hash,
      '-o',
      signature,
    ]);
    expect(signed.ok, signed.output).toBe(true);
    const verified = await tool('openssl', ['dgst', '-sha256', '-verify', publicKey, '-signature', signature, message]);
    expect(verified.output).toContain('Verified OK');
    expect(triesLeft()).toBe(3);
  });

  it('a wrong PIN through pkcs15-tool --verify-pin decrements the counter; the right one resets it', async () => {
    const before = triesLeft();
    const wrong = await tool('pkcs15-tool', ['--verify-pin', '--auth-id', '01', '--pin', '0000']);
    expect(wrong.ok).toBe(false);
    expect(triesLeft()).toBe(before - 1);
    const dump = await tool('pkcs15-tool', ['-D']);
    expect(dump.output).toMatch(/User Authentication PIN[\s\S]*?Tries left\s*:\s*2/);
    const right = await tool('pkcs15-tool', ['--verify-pin', '--auth-id', '01', '--pin', '1234']);
    expect(right.ok, right.output).toBe(true);
    expect(triesLeft()).toBe(3);
  });
});
