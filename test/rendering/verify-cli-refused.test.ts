/**
 * The offline verify CLI on a file no issued document looks like: it says so as JSON and exits 1
 * (not authentic), checked before parsing like the center's route, instead of crashing on the
 * verifier's refusal. A real process and real files, as an operator runs it.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../apps/center/src/cli/verify-document.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'madoguchi-verify-refused-'));

beforeAll(() => {
  writeFileSync(join(dir, 'center.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  // An object stream whose contents are deflated twice (a small nested-deflate bomb).
  const bomb = deflateSync(deflateSync(Buffer.alloc(8 << 20)));
  const head = Buffer.from(
    '%PDF-1.7\n%\x81\x81\x81\x81\n\n1 0 obj\n<<\n/Type /ObjStm\n/N 1\n/First 0\n/Filter [ /FlateDecode /FlateDecode ]\n' +
      `/Length ${bomb.length}\n>>\nstream\n`,
    'latin1',
  );
  writeFileSync(join(dir, 'bomb.pdf'), Buffer.concat([head, bomb, Buffer.from('\nendstream\nendobj\n\n', 'latin1')]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify-document CLI on a refused file', () => {
  it('prints the refusal as JSON and exits 1', async () => {
    let code = 0;
    let out = '';
    try {
      out = (await run(tsx, [cli, '--key', `center-1=${join(dir, 'center.pem')}`, join(dir, 'bomb.pdf')])).stdout;
    } catch (error) {
      ({ code, stdout: out } = error as { code: number; stdout: string });
    }
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      authentic: false,
      refused: 'VERIFICATION_DOCUMENT_REFUSED',
      detail: expect.stringMatching(/ObjStm/),
    });
  });
});
