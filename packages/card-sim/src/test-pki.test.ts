import { X509Certificate } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoCards, openDemoCard } from './demo-cards.js';
import {
  createTestPki,
  fifthBirthdayAfter,
  generateCrl,
  isCalendarDay,
  issueCardCertificate,
  japanDate,
  loadTestPki,
  publishCrl,
  revoke,
  type TestPki,
} from './test-pki.js';
import { CRL_EXTENSION_OIDS, CRL_REASON, toPem } from './x509.js';
import * as der from './der.js';

const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki(join(dir, 'pki'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('test PKI', () => {
  it('says plainly it is not J-LIS, and keeps two generations under one DN', () => {
    const current = new X509Certificate(pki.cas.current.certificatePem);
    const previous = new X509Certificate(pki.cas.previous.certificatePem);
    expect(current.subject).toContain('NOT J-LIS');
    expect(current.subject).toBe(previous.subject);
    expect(current.ca).toBe(true);
    expect(current.fingerprint256).not.toBe(previous.fingerprint256);
  });

  it('issues card certificates like JPKI user-authentication ones, verified only by the issuing generation', async () => {
    const issued = await issueCardCertificate(pki, {
      generation: 'previous',
      notBefore: new Date('2025-04-01T00:00:00+09:00'),
      notAfter: fifthBirthdayAfter('2025-04-01', '1980-07-15'),
    });
    const cert = new X509Certificate(issued.certificateDer);
    expect(cert.subject).toBe(`C=JP\nCN=${issued.cardToken}`);
    expect(issued.cardToken).toMatch(/^[A-Z0-9]{23}$/);
    expect(cert.serialNumber).toBe(issued.serialNumber);
    // CardLink.issuer is the DN as node:crypto prints it, one line: what the center computes.
    expect(cert.issuer.split('\n').join(', ')).toBe(pki.issuer);
    expect(cert.validTo).toBe('Jul 15 14:59:59 2029 GMT');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.verify(pki.cas.previous.publicKey)).toBe(true);
    expect(cert.verify(pki.cas.current.publicKey)).toBe(false);
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-text', '-in', writeTemp('c.der', issued.certificateDer)]);
    expect(text).toContain('sha256WithRSAEncryption');
    expect(text).toContain('1.2.392.200149.8.5.1.3.30');
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
  });

  it('computes the validity end as the 5th birthday after issue', () => {
    expect(fifthBirthdayAfter('2025-04-01', '1990-03-31').toISOString()).toBe('2030-03-31T14:59:59.000Z');
    expect(fifthBirthdayAfter('2025-04-01', '1990-04-01').toISOString()).toBe('2030-04-01T14:59:59.000Z');
    expect(fifthBirthdayAfter('2025-04-01', '1990-04-02').toISOString()).toBe('2029-04-02T14:59:59.000Z');
    expect(fifthBirthdayAfter('2025-01-10', '2000-02-29').toISOString()).toBe('2029-02-28T14:59:59.000Z');
    expect(fifthBirthdayAfter('2024-01-10', '2000-02-29').toISOString()).toBe('2028-02-29T14:59:59.000Z');
  });

  it('revokes into a CRL that openssl accepts and applies', async () => {
    const good = await issueCardCertificate(pki, { notAfter: new Date('2030-01-01T00:00:00Z') });
    const bad = await issueCardCertificate(pki, { notAfter: new Date('2030-01-01T00:00:00Z') });
    revoke(pki, bad.serialNumber);
    const crl = generateCrl(loadTestPki(pki.dir));
    expect(crl.pem).toMatch(/^-----BEGIN X509 CRL-----/);
    const crlText = openssl(['crl', '-inform', 'DER', '-noout', '-text', '-in', writeTemp('crl.der', crl.der)]);
    expect(crlText).toContain(bad.serialNumber);
    expect(crlText).not.toContain(good.serialNumber);
    const verify = (der: Uint8Array) => {
      try {
        return openssl([
          'verify',
          '-crl_check',
          '-CAfile',
          pki.paths.trustedCasPem,
          '-CRLfile',
          pki.paths.crlsPem,
          writeTemp('v.pem', toPem('CERTIFICATE', der)),
        ]);
      } catch (error) {
        return String((error as { stdout?: string; stderr?: string }).stderr ?? error);
      }
    };
    expect(verify(good.certificateDer)).toMatch(/OK/);
    expect(verify(bad.certificateDer)).toMatch(/certificate revoked/);
  });
});

describe('test PKI: issue dates and revocation by issuing generation', () => {
  const crlText = (generation: 'current' | 'previous') =>
    openssl(['crl', '-inform', 'DER', '-noout', '-text', '-in', pki.paths.crlDer[generation]]);

  it('dates an issue by the Japan calendar day, not the UTC one', () => {
    expect(japanDate(new Date('2026-12-01T14:59:59Z'))).toBe('2026-12-01');
    expect(japanDate(new Date('2026-12-01T15:00:00Z'))).toBe('2026-12-02'); // 00:00 JST
    expect(japanDate(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
    expect(isCalendarDay('2028-02-29')).toBe(true);
    for (const bad of ['2027-02-29', '2026-13-01', '2026-1-01', 'yesterday']) expect(isCalendarDay(bad)).toBe(false);
  });

  it('files a revocation under the generation that issued the certificate, without being told', async () => {
    const old = await issueCardCertificate(pki, { generation: 'previous', notAfter: new Date('2030-01-01T00:00:00Z') });
    revoke(pki, old.serialNumber);
    expect(crlText('previous')).toContain(old.serialNumber);
    expect(crlText('current')).not.toContain(old.serialNumber);
  });

  it('finds the generation from the certificate itself, and refuses what it cannot place', async () => {
    const old = await issueCardCertificate(pki, { generation: 'previous', notAfter: new Date('2030-01-01T00:00:00Z') });
    const other = await createTestPki(join(dir, 'other-pki'));
    // Issued by another PKI: this one has no record of it.
    const stranger = await issueCardCertificate(other, { generation: 'previous', notAfter: new Date('2030-01-01T00:00:00Z') });
    expect(() => revoke(pki, stranger.serialNumber)).toThrow(/no record that this PKI issued/);
    expect(() => revoke(pki, stranger.serialNumber, { certificateDer: stranger.certificateDer })).toThrow(
      /not signed by any CA generation of this PKI/,
    );
    expect(() => revoke(pki, old.serialNumber, { generation: 'current' })).toThrow(/issued by the previous generation, not current/);
    const impostor = await issueCardCertificate(pki, { generation: 'unknown', notAfter: new Date('2030-01-01T00:00:00Z') });
    expect(() => revoke(pki, impostor.serialNumber)).toThrow(/impostor CA/);
    revoke(pki, old.serialNumber, { certificateDer: old.certificateDer });
    expect(crlText('previous')).toContain(old.serialNumber);
  });
});

describe('test PKI: further CRL files', () => {
  it('writes a split list of one generation where told, with chosen extensions, leaving the PKI’s own CRLs alone', async () => {
    const card = await issueCardCertificate(pki, { notAfter: new Date('2030-01-01T00:00:00Z') });
    const ownBefore = readFileSync(pki.paths.crlsPem, 'utf8');
    const path = join(dir, 'split-delta.pem');
    publishCrl(pki, {
      generation: 'current',
      path,
      thisUpdate: new Date('2026-12-01T00:00:00Z'),
      revoked: [{ serialNumber: card.serialNumber, reasonCode: CRL_REASON.certificateHold }],
      extensions: [{ oid: CRL_EXTENSION_OIDS.deltaCrlIndicator, critical: true, value: der.integer(41) }],
    });
    const text = openssl(['crl', '-noout', '-text', '-in', path]);
    expect(text).toContain(card.serialNumber);
    expect(text).toMatch(/Certificate Hold/);
    expect(text).toMatch(/Delta CRL Indicator: critical\s+41/);
    expect(text).toMatch(/Next Update: Dec {2}8 00:00:00 2026 GMT/);
    const verified = spawnSync('openssl', ['crl', '-noout', '-verify', '-CAfile', pki.paths.trustedCasPem, '-in', path], {
      encoding: 'utf8',
    });
    expect(`${verified.stdout}${verified.stderr}`).toMatch(/verify OK/);
    expect(readFileSync(pki.paths.crlsPem, 'utf8')).toBe(ownBefore);
    expect(readFileSync(pki.paths.crlsPem, 'utf8')).not.toContain(card.serialNumber);
  });
});

describe('test PKI CLI', () => {
  const repoRoot = resolve(import.meta.dirname, '../../..');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'packages/card-sim/src/cli/test-pki.ts'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });

  it('issues with the Japan date by default and validates --generation and dates', () => {
    const out = join(dir, 'cli-card');
    const before = japanDate();
    const issued = cli('issue', pki.dir, '--birth-date', '1980-07-15', '--out', out);
    expect(issued.status, issued.stderr).toBe(0);
    const { serialNumber } = JSON.parse(issued.stdout) as { serialNumber: string };
    const cert = new X509Certificate(readFileSync(join(out, 'auth-cert.der')));
    // notBefore is 00:00 JST of the issue day; the Japan day may have turned during the call.
    const issuedOn = japanDate(new Date(cert.validFrom));
    expect([before, japanDate()]).toContain(issuedOn);
    expect(new Date(cert.validFrom).toISOString()).toBe(new Date(`${issuedOn}T00:00:00+09:00`).toISOString());

    const badGeneration = cli('issue', pki.dir, '--birth-date', '1980-07-15', '--generation', 'previos', '--out', out);
    expect(badGeneration.status).not.toBe(0);
    expect(badGeneration.stderr).toMatch(/--generation.*previos.*current, previous, unknown/s);
    const badDate = cli('issue', pki.dir, '--birth-date', '1980-02-30', '--out', out);
    expect(badDate.status).not.toBe(0);
    expect(badDate.stderr).toMatch(/YYYY-MM-DD/);

    // revoke: the record says "current" here; an unknown serial is refused with a reason.
    const unknown = cli('revoke', pki.dir, '1234ABCD');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/no record that this PKI issued 1234ABCD/);
    const revoked = cli('revoke', pki.dir, serialNumber, '--cert', join(out, 'auth-cert.pem'));
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(openssl(['crl', '-inform', 'DER', '-noout', '-text', '-in', pki.paths.crlDer.current])).toContain(serialNumber);
  }, 60_000);
});

describe('ensureDemoCards', () => {
  it('makes one card per resident plus edge cards, idempotently, each with its own key', async () => {
    const stateDir = join(dir, 'demo');
    const residents = [
      { residentId: 'R-1', birthDate: '1985-05-05' },
      { residentId: 'R-2', birthDate: '1999-12-31' },
    ];
    const first = await ensureDemoCards(stateDir, residents, { previousGenerationEvery: 2 });
    expect(first.map((c) => c.cardId)).toEqual([
      'card-R-1',
      'card-R-2',
      'card-edge-expired',
      'card-edge-revoked',
      'card-edge-locked',
      'card-edge-android',
      'card-edge-iphone',
      'card-edge-unknownCa',
    ]);
    const again = await ensureDemoCards(stateDir, residents);
    expect(again.map((c) => c.serialNumber)).toEqual(first.map((c) => c.serialNumber));
    const keys = new Set(
      first.map((c) => new X509Certificate(c.certificateDer).publicKey.export({ type: 'spki', format: 'der' }).toString('hex')),
    );
    expect(keys.size).toBe(first.length);
    expect(first[1]!.caGeneration).toBe('previous');
    expect(first.every((c) => /^[0-9A-F]+$/.test(c.serialNumber) && c.issuer.includes('NOT J-LIS'))).toBe(true);
    const byEdge = Object.fromEntries(first.map((c) => [c.edge ?? c.cardId, c]));
    expect(new Date(new X509Certificate(byEdge.expired!.certificateDer).validTo).getTime()).toBeLessThan(Date.now());
    expect(byEdge.android!.tokenType).toBe('android');
    expect(openDemoCard(stateDir, 'card-edge-locked').counters().authPinTriesLeft).toBe(0);
    const unknown = new X509Certificate(byEdge.unknownCa!.certificateDer);
    expect(unknown.verify(pki.cas.current.publicKey)).toBe(false);
    const loaded = loadTestPki(join(stateDir, 'pki'));
    expect(unknown.verify(loaded.cas.current.publicKey) || unknown.verify(loaded.cas.previous.publicKey)).toBe(false);
    const crlText = openssl(['crl', '-noout', '-text', '-in', loaded.paths.crlsPem]);
    expect(crlText).toContain(byEdge.revoked!.serialNumber);
  }, 60_000);
});

function writeTemp(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
