/** The offline verify CLI as an operator runs it (a real process, real files). */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FontSet, renderDocument, createVerificationSigner } from '@madoguchi/center/rendering';
import { demo, makeInput, taxData } from './fixtures.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../apps/center/src/cli/verify-document.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'madoguchi-verify-'));
const keys = generateKeyPairSync('ed25519');
let payload: string;

async function verify(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(tsx, [cli, ...args]);
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

beforeAll(async () => {
  writeFileSync(join(dir, 'center.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'other.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
  const doc = await renderDocument(makeInput(r.municipalityCode, taxData(r.residentId, 'income')), {
    fonts: new FontSet(),
    signer: createVerificationSigner(keys.privateKey, 'center-1'),
  });
  writeFileSync(join(dir, 'good.pdf'), doc.pdf);
  payload = /\/MadoguchiVerification \((MDG1\.[A-Za-z0-9_.-]+)\)/.exec(Buffer.from(doc.pdf).toString('latin1'))![1]!;
  // Same-length edit of the page size: a changed document whose file still parses.
  const text = Buffer.from(doc.pdf).toString('latin1');
  expect(text).toContain('595.28');
  writeFileSync(join(dir, 'tampered.pdf'), Buffer.from(text.replace('595.28', '595.29'), 'latin1'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify-document CLI', () => {
  it('exits 0 and prints the claims for an issued PDF', async () => {
    const { code, out } = await verify(['--key', `center-1=${join(dir, 'center.pem')}`, join(dir, 'good.pdf')]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ authentic: true, claims: { certificateType: 'taxCertificate', taxKind: 'income' } });
  });

  it('exits 1 for a tampered PDF and for an unknown key', async () => {
    const tampered = await verify(['--key', `center-1=${join(dir, 'center.pem')}`, join(dir, 'tampered.pdf')]);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.out)).toEqual({ authentic: false, reason: 'content-mismatch' });
    const unknown = await verify(['--key', `center-9=${join(dir, 'other.pem')}`, join(dir, 'good.pdf')]);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.out)).toEqual({ authentic: false, reason: 'unknown-key' });
  });

  it('accepts what the QR code holds: the verification URL, or the bare payload', async () => {
    const key = ['--key', `center-1=${join(dir, 'center.pem')}`];
    for (const text of [`https://localhost:8443/verify?p=${payload}`, payload]) {
      const { code, out } = await verify([...key, '--payload', text]);
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ authentic: true, claims: { certificateType: 'taxCertificate' } });
    }
    const bad = await verify([...key, '--payload', `https://localhost:8443/verify?p=${payload.slice(0, -3)}AAA`]);
    expect(bad.code).toBe(1);
  });

  it('exits 2 on usage errors', async () => {
    expect((await verify([join(dir, 'good.pdf')])).code).toBe(2);
  });
});
