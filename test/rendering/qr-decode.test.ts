/**
 * The printed QR code decodes (zbarimg, Debian zbar-tools) to the public verification page's URL
 * (`<configured base>/verify?p=<payload>`, what a phone opens) whose payload verifies, carries the
 * document's own claims, and equals the payload stored in the PDF.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FontSet, createDocumentVerifier, renderDocument, createVerificationSigner } from '@madoguchi/center/rendering';
import { everyTemplate } from './fixtures.js';

const keys = generateKeyPairSync('ed25519');
const verifyBaseUrl = 'https://verify.madoguchi.example.lg.jp/center';
const env = { fonts: new FontSet(), signer: createVerificationSigner(keys.privateKey, 'center-qr'), verifyBaseUrl };
const verifier = createDocumentVerifier({ 'center-qr': keys.publicKey });

function scanLastPage(pdf: Uint8Array, pageCount: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-qr-'));
  try {
    writeFileSync(join(dir, 'doc.pdf'), pdf);
    execFileSync('pdftoppm', [
      '-r',
      '200',
      '-gray',
      '-png',
      '-f',
      String(pageCount),
      '-l',
      String(pageCount),
      join(dir, 'doc.pdf'),
      join(dir, 'page'),
    ]);
    const png = readdirSync(dir).find((f) => f.endsWith('.png'))!;
    // zbarimg complains on stderr about D-Bus in containers; only stdout matters.
    return execFileSync('zbarimg', ['--raw', '-q', join(dir, png)], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('verification QR code', () => {
  it.each(
    everyTemplate()
      .filter((c) => ['residenceRecord-household', 'familyRegisterFull', 'taxCertificate-income'].includes(c.name))
      .map((c) => [c.name, c] as const),
  )('%s: the printed code decodes to the verification URL carrying the signed payload of this document', async (_name, c) => {
    const doc = await renderDocument(c.input, env);
    const scanned = scanLastPage(doc.pdf, doc.pageCount);
    const stored = /\/MadoguchiVerification \((MDG1\.[A-Za-z0-9_.-]+)\)/.exec(Buffer.from(doc.pdf).toString('latin1'))?.[1];
    expect(stored).toBeDefined();
    expect(scanned).toBe(`${verifyBaseUrl}/verify?p=${stored}`);
    const url = new URL(scanned);
    expect(url.pathname).toBe('/center/verify');
    expect(url.searchParams.get('p')).toBe(stored);
    const result = verifier.verifyPayload(scanned);
    expect(result).toMatchObject({
      authentic: true,
      claims: {
        issueNumber: c.input.issueNumber,
        municipalityCode: c.input.municipality.code,
        certificateType: c.input.data.certificateType,
        issuedOn: c.input.issuedOn,
        contentSha256: doc.contentSha256,
      },
    });
    expect(verifier.verifyPayload(stored!)).toEqual(result);
    expect(await verifier.verifyDocument(doc.pdf)).toMatchObject({ authentic: true });
  });
});
