import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, generateCrl, issueCardCertificate, revoke, type TestPki } from '@madoguchi/card-sim';
import { X509Certificate } from 'node:crypto';
import { parseCrl, RevocationChecker } from './crl.js';
import { TrustAnchors } from './trust-anchors.js';

const quiet = { warn: () => undefined, info: () => undefined };

describe('CRL parsing and revocation', () => {
  let dir: string;
  let pki: TestPki;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-crl-'));
    pki = await createTestPki(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads thisUpdate, nextUpdate and the revoked serials of a DER CRL', async () => {
    const card = await issueCardCertificate(pki, { notAfter: new Date('2031-01-01T00:00:00Z') });
    revoke(pki, card.serialNumber);
    const now = new Date();
    const crl = parseCrl(generateCrl(pki, now).der);
    expect(crl.revokedSerials.has(card.serialNumber)).toBe(true);
    expect(Math.abs(crl.thisUpdate.getTime() - now.getTime())).toBeLessThan(2000);
    expect(crl.nextUpdate!.getTime()).toBeGreaterThan(crl.thisUpdate.getTime());
  });

  it('refuses bytes that are not a CRL', () => {
    expect(() => parseCrl(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow();
  });

  it('keys revocations by the CA generation that signed the CRL, and reports no-crl for an anchor without one', async () => {
    const card = await issueCardCertificate(pki, { notAfter: new Date('2031-01-01T00:00:00Z') });
    revoke(pki, card.serialNumber);
    const anchors = TrustAnchors.fromPem(pki.cas.current.certificatePem + pki.cas.previous.certificatePem);
    const checker = new RevocationChecker([pki.paths.crlDer.current], anchors, quiet);
    checker.refresh(true);
    const cert = new X509Certificate(card.certificateDer);
    const current = anchors.issuerOf(cert)!;
    const previous = anchors.anchors.find((a) => a.id !== current.id)!;
    expect(checker.status(current, card.serialNumber, new Date())).toBe('revoked');
    expect(checker.status(current, '0123', new Date())).toBe('good');
    expect(checker.status(previous, card.serialNumber, new Date())).toBe('no-crl');
  });

  it('ignores a CRL signed by a CA it does not trust (the impostor under the same DN)', () => {
    const anchors = TrustAnchors.fromPem(pki.cas.previous.certificatePem);
    const checker = new RevocationChecker([pki.paths.crlDer.current], anchors, quiet);
    checker.refresh(true);
    expect(checker.status(anchors.anchors[0]!, 'ABCD', new Date())).toBe('no-crl');
  });
});
