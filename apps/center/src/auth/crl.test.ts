import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCrl,
  createTestPki,
  CRL_EXTENSION_OIDS,
  CRL_REASON,
  generateCrl,
  issueCardCertificate,
  publishCrl,
  revoke,
  TEST_CA_NAME,
  type ExtensionSpec,
  type PublishCrlOptions,
  type TestPki,
} from '@madoguchi/card-sim';
import { MadoguchiError } from '@madoguchi/shared';
import { X509Certificate } from 'node:crypto';
import { defaultRevocationPolicy, parseCrl, RevocationChecker } from './crl.js';
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

  describe('freshness (fail closed once a CRL is older than nextUpdate + grace)', () => {
    const HOUR = 3_600_000;
    /** Writes the current generation's CRL with the given dates (atomically, like a publisher). */
    const publish = (path: string, thisUpdate: Date, nextUpdate: Date, revokedSerials: string[] = []) => {
      const der = buildCrl({
        issuer: TEST_CA_NAME,
        issuerPublicKey: pki.cas.current.publicKey,
        issuerPrivateKey: pki.cas.current.privateKey,
        thisUpdate,
        nextUpdate,
        crlNumber: Math.floor(thisUpdate.getTime() / 1000),
        revoked: revokedSerials.map((serial) => ({
          serial: new Uint8Array(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex')),
          revokedAt: thisUpdate,
        })),
      });
      writeFileSync(`${path}.tmp`, der);
      renameSync(`${path}.tmp`, path);
    };
    const recorder = () => {
      const lines: { level: string; msg: string }[] = [];
      const at = (level: string) => (_obj: object, msg: string) => void lines.push({ level, msg });
      return { lines, log: { warn: at('warn'), info: at('info'), error: at('error') } };
    };
    const refusalOf = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (error) {
        return error instanceof MadoguchiError ? error.code : String(error);
      }
    };

    it('keeps a late CRL within the grace (warned once), refuses past it (AUTH_REVOCATION_UNAVAILABLE), resumes on a fresh CRL', () => {
      const path = join(dir, 'freshness.crl');
      const published = new Date('2027-03-01T00:00:00Z');
      const nextUpdate = new Date(published.getTime() + 24 * HOUR);
      publish(path, published, nextUpdate, ['0ABC']);
      const anchors = TrustAnchors.fromPem(pki.cas.current.certificatePem);
      const anchor = anchors.anchors[0]!;
      let clock = new Date(published.getTime() + HOUR);
      const { lines, log } = recorder();
      const checker = new RevocationChecker([path], anchors, log, { graceMs: 2 * HOUR, clock: () => clock });
      checker.refresh(true);
      const at = (ms: number) => new Date(nextUpdate.getTime() + ms);

      expect(checker.status(anchor, '0ABC', at(-1))).toBe('revoked');
      expect(checker.health(at(-1))).toEqual([
        {
          anchor: anchor.id.slice(0, 16),
          path,
          thisUpdate: published.toISOString(),
          nextUpdate: nextUpdate.toISOString(),
          freshness: 'fresh',
        },
      ]);
      // Late: still in use, one warning however many requests.
      expect(checker.status(anchor, '0123', at(HOUR))).toBe('good');
      expect(checker.status(anchor, '0ABC', at(HOUR))).toBe('revoked');
      expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      // Stale: every card of that CA is refused, whatever its serial; one error line for operators.
      expect(refusalOf(() => checker.status(anchor, '0123', at(2 * HOUR + 1)))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      expect(refusalOf(() => checker.status(anchor, '0ABC', at(5 * HOUR)))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
      expect(checker.health(at(5 * HOUR))[0]!.freshness).toBe('stale');
      // Re-reading the same stale file changes nothing.
      checker.refresh(true);
      expect(refusalOf(() => checker.status(anchor, '0123', at(5 * HOUR)))).toBe('AUTH_REVOCATION_UNAVAILABLE');

      // A fresh CRL is published and picked up: authentication works again, revocations still apply.
      clock = at(5 * HOUR);
      publish(path, clock, new Date(clock.getTime() + 24 * HOUR), ['0ABC']);
      checker.refresh();
      expect(checker.status(anchor, '0123', at(5 * HOUR))).toBe('good');
      expect(checker.status(anchor, '0ABC', at(5 * HOUR))).toBe('revoked');
      expect(lines.at(-1)?.msg).toMatch(/resumes/);
    });

    it('refuses a CRL dated beyond the clock skew: the CRL in force stays (with none from its file, its CA fails closed)', () => {
      const path = join(dir, 'future.crl');
      const now = new Date('2027-04-01T00:00:00Z');
      const anchors = TrustAnchors.fromPem(pki.cas.current.certificatePem);
      const anchor = anchors.anchors[0]!;
      const { lines, log } = recorder();
      const checker = new RevocationChecker([path], anchors, log, { clock: () => now });

      publish(path, new Date(now.getTime() + defaultRevocationPolicy.clockSkewMs + 60_000), new Date(now.getTime() + 48 * HOUR));
      checker.refresh(true);
      expect(refusalOf(() => checker.status(anchor, '0123', now))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      expect(lines.some((l) => l.level === 'warn' && /future/.test(l.msg))).toBe(true);

      // Within the skew it is accepted; a later future-dated file cannot replace it.
      publish(path, new Date(now.getTime() + 60_000), new Date(now.getTime() + 24 * HOUR), ['0ABC']);
      checker.refresh(true);
      expect(checker.status(anchor, '0ABC', now)).toBe('revoked');
      publish(path, new Date(now.getTime() + 30 * 24 * HOUR), new Date(now.getTime() + 31 * 24 * HOUR));
      checker.refresh(true);
      expect(checker.status(anchor, '0ABC', now)).toBe('revoked');
    });
  });

  describe('several CRL files per CA (split lists), critical extensions, stale partitions', () => {
    const HOUR = 3_600_000;
    const now = new Date('2027-05-10T00:00:00Z');
    const recorder = () => {
      const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
      const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
      return { lines, log: { warn: at('warn'), info: at('info'), error: at('error') } };
    };
    const refusalOf = (fn: () => unknown) => {
      try {
        return fn();
      } catch (error) {
        return error instanceof MadoguchiError ? error.code : String(error);
      }
    };
    let files = 0;
    const file = (name: string) => join(dir, `${++files}-${name}`);
    const setup = (paths: string[]) => {
      const anchors = TrustAnchors.fromPem(pki.cas.current.certificatePem);
      const { lines, log } = recorder();
      let clock = now;
      const checker = new RevocationChecker(paths, anchors, log, { graceMs: 2 * HOUR, clock: () => clock });
      return { anchor: anchors.anchors[0]!, checker, lines, setClock: (d: Date) => (clock = d) };
    };
    const at = (ms: number) => new Date(now.getTime() + ms);
    /** An extension no relying party understands: a private OID under the example arc. */
    const unknownCritical: ExtensionSpec = { oid: '1.3.6.1.4.1.32473.1.1', critical: true, value: new Uint8Array([0x05, 0x00]) };

    it('refuses a serial revoked only in the older of two current CRL files for one CA', () => {
      const older = file('partition-1.crl');
      const newer = file('partition-2.pem');
      publishCrl(pki, {
        generation: 'current',
        path: older,
        thisUpdate: at(-2 * HOUR),
        nextUpdate: at(22 * HOUR),
        revoked: [{ serialNumber: '0AAA' }],
      });
      publishCrl(pki, {
        generation: 'current',
        path: newer,
        thisUpdate: at(-HOUR),
        nextUpdate: at(23 * HOUR),
        revoked: [{ serialNumber: '0BBB', reasonCode: CRL_REASON.keyCompromise }],
      });
      const { anchor, checker } = setup([older, newer]);
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('revoked');
      expect(checker.status(anchor, '0BBB', now)).toBe('revoked');
      expect(checker.status(anchor, '0CCC', now)).toBe('good');
      expect(checker.health(now).map((h) => [h.path, h.freshness])).toEqual([
        [older, 'fresh'],
        [newer, 'fresh'],
      ]);
    });

    it('counts every CRL of a CA in one PEM bundle, the older one too', () => {
      const first = file('first.pem');
      const second = file('second.pem');
      publishCrl(pki, {
        generation: 'current',
        path: first,
        thisUpdate: at(-2 * HOUR),
        nextUpdate: at(22 * HOUR),
        revoked: [{ serialNumber: '0AAA' }],
      });
      publishCrl(pki, {
        generation: 'current',
        path: second,
        thisUpdate: at(-HOUR),
        nextUpdate: at(23 * HOUR),
        revoked: [{ serialNumber: '0BBB' }],
      });
      const bundle = file('bundle.pem');
      writeFileSync(bundle, readFileSync(first, 'utf8') + readFileSync(second, 'utf8'));
      const { anchor, checker } = setup([bundle]);
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('revoked');
      expect(checker.status(anchor, '0BBB', now)).toBe('revoked');
      expect(checker.health(now)).toHaveLength(2);
    });

    it('fails the CA closed while any of its CRL files is past nextUpdate + grace; resumes when that file is fresh again', () => {
      const fresh = file('fresh.crl');
      const late = file('late.crl');
      publishCrl(pki, {
        generation: 'current',
        path: fresh,
        thisUpdate: at(-HOUR),
        nextUpdate: at(48 * HOUR),
        revoked: [{ serialNumber: '0AAA' }],
      });
      publishCrl(pki, { generation: 'current', path: late, thisUpdate: at(-2 * HOUR), nextUpdate: at(HOUR), revoked: [] });
      const { anchor, checker, lines, setClock } = setup([fresh, late]);
      checker.refresh(true);
      expect(checker.status(anchor, '0CCC', at(2 * HOUR))).toBe('good'); // late, within the grace
      // Stale: a revocation could be hiding in that partition, so no card of the CA is vouched for.
      expect(refusalOf(() => checker.status(anchor, '0CCC', at(3 * HOUR + 1)))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      expect(refusalOf(() => checker.status(anchor, '0AAA', at(3 * HOUR + 1)))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      const stale = lines.filter((l) => l.level === 'error');
      expect(stale).toHaveLength(1);
      expect(stale[0]!.obj.path).toBe(late);

      setClock(at(3 * HOUR));
      publishCrl(pki, { generation: 'current', path: late, thisUpdate: at(3 * HOUR), nextUpdate: at(27 * HOUR), revoked: [] });
      checker.refresh(true);
      expect(checker.status(anchor, '0CCC', at(3 * HOUR + 1))).toBe('good');
      expect(checker.status(anchor, '0AAA', at(3 * HOUR + 1))).toBe('revoked');
    });

    it('within one file, a newer CRL supersedes the older (a hold lifted); an older one put back does not', () => {
      const path = file('one.crl');
      const { anchor, checker } = setup([path]);
      publishCrl(pki, {
        generation: 'current',
        path,
        thisUpdate: at(-2 * HOUR),
        nextUpdate: at(22 * HOUR),
        revoked: [{ serialNumber: '0AAA', reasonCode: CRL_REASON.certificateHold }],
      });
      const heldDer = new Uint8Array(readFileSync(path));
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('revoked');
      publishCrl(pki, { generation: 'current', path, thisUpdate: at(-HOUR), nextUpdate: at(23 * HOUR), revoked: [] });
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('good');
      writeFileSync(path, heldDer);
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('good');
      expect(checker.health(now)).toHaveLength(1);
    });

    const refusedCases: [string, PublishCrlOptions['extensions'], PublishCrlOptions['revoked'], string][] = [
      ['an unknown critical CRL extension', [unknownCritical], [], unknownCritical.oid],
      [
        'a Delta CRL Indicator (delta CRLs are not supported)',
        [{ oid: CRL_EXTENSION_OIDS.deltaCrlIndicator, critical: true, value: new Uint8Array([0x02, 0x01, 0x07]) }],
        [],
        CRL_EXTENSION_OIDS.deltaCrlIndicator,
      ],
      [
        'a critical Issuing Distribution Point (not supported)',
        [{ oid: CRL_EXTENSION_OIDS.issuingDistributionPoint, critical: true, value: new Uint8Array([0x30, 0x03, 0x81, 0x01, 0xff]) }],
        [],
        CRL_EXTENSION_OIDS.issuingDistributionPoint,
      ],
      ['an unknown critical entry extension', [], [{ serialNumber: '0AAA', extensions: [unknownCritical] }], unknownCritical.oid],
      [
        'a certificateIssuer entry extension (indirect CRLs are not supported)',
        [],
        [
          {
            serialNumber: '0AAA',
            extensions: [{ oid: CRL_EXTENSION_OIDS.certificateIssuer, critical: true, value: new Uint8Array([0x30, 0x00]) }],
          },
        ],
        CRL_EXTENSION_OIDS.certificateIssuer,
      ],
      [
        'removeFromCRL, which only a delta CRL may carry',
        [],
        [{ serialNumber: '0AAA', reasonCode: CRL_REASON.removeFromCRL }],
        CRL_EXTENSION_OIDS.reasonCode,
      ],
    ];
    for (const [what, extensions, revoked, oid] of refusedCases) {
      it(`refuses a CRL with ${what}: not loaded, logged with the file and the OID; with only that CRL the CA fails closed`, () => {
        const path = file('refused.pem');
        publishCrl(pki, {
          generation: 'current',
          path,
          thisUpdate: at(-HOUR),
          nextUpdate: at(23 * HOUR),
          ...(extensions ? { extensions } : {}),
          ...(revoked ? { revoked } : {}),
        });
        const { anchor, checker, lines } = setup([path]);
        checker.refresh(true);
        expect(refusalOf(() => checker.status(anchor, '0CCC', now))).toBe('AUTH_REVOCATION_UNAVAILABLE');
        expect(checker.health(now)).toEqual([]);
        const refusal = lines.find((l) => /refused/.test(l.msg));
        expect(refusal?.obj).toMatchObject({ path, oid });
      });
    }

    it('fails every CA closed while a configured CRL file was never read (missing, unreadable): it could be any CA’s partition', () => {
      const present = file('present.crl');
      const absent = file('absent.crl');
      publishCrl(pki, {
        generation: 'current',
        path: present,
        thisUpdate: at(-HOUR),
        nextUpdate: at(23 * HOUR),
        revoked: [{ serialNumber: '0AAA' }],
      });
      const { anchor, checker, lines } = setup([present, absent]);
      checker.refresh(true);
      expect(refusalOf(() => checker.status(anchor, '0CCC', now))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      expect(lines.some((l) => l.level === 'error' && l.obj.path === absent)).toBe(true);
      writeFileSync(absent, 'not a CRL');
      checker.refresh();
      expect(refusalOf(() => checker.status(anchor, '0CCC', now))).toBe('AUTH_REVOCATION_UNAVAILABLE');
      publishCrl(pki, { generation: 'current', path: absent, thisUpdate: at(-HOUR), nextUpdate: at(23 * HOUR), revoked: [] });
      checker.refresh();
      expect(checker.status(anchor, '0CCC', now)).toBe('good');
      expect(checker.status(anchor, '0AAA', now)).toBe('revoked');
      // Once read, a file that goes missing leaves its CRLs in force until they go stale.
      rmSync(absent);
      checker.refresh();
      expect(checker.status(anchor, '0CCC', now)).toBe('good');
    });

    it('keeps a file’s previous CRL in force when its new CRL is refused, and ignores non-critical extensions it does not know', () => {
      const path = file('kept.crl');
      const { anchor, checker, lines } = setup([path]);
      publishCrl(pki, {
        generation: 'current',
        path,
        thisUpdate: at(-2 * HOUR),
        nextUpdate: at(22 * HOUR),
        revoked: [{ serialNumber: '0AAA' }],
        extensions: [{ ...unknownCritical, critical: false }],
      });
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('revoked');
      publishCrl(pki, {
        generation: 'current',
        path,
        thisUpdate: at(-HOUR),
        nextUpdate: at(23 * HOUR),
        revoked: [],
        extensions: [unknownCritical],
      });
      checker.refresh(true);
      expect(checker.status(anchor, '0AAA', now)).toBe('revoked');
      expect(lines.some((l) => /refused/.test(l.msg) && l.obj.oid === unknownCritical.oid)).toBe(true);
    });
  });
});
