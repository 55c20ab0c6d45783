/**
 * Acceptance 2: resident authentication over real mutual TLS. The center issues a challenge bound
 * to the kiosk; the card's signature and certificate come back; the center checks the signature,
 * the chain to its trust anchors (two CA generations under one DN, plus an impostor under that DN),
 * the validity dates, and the CRL it loads and refreshes (refusing all cards while that CRL is stale);
 * then maps (issuer, serial) to a resident.
 * One test per refusal, each with its own code.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrl, generateCrl, revoke, TEST_CA_NAME, toPem } from '@madoguchi/card-sim';
import { parseCrl } from '@madoguchi/center/auth';
import { forEachDatabase } from '../support/databases.js';
import {
  challengeRequest,
  newKey,
  ok,
  refusalOf,
  signedAuthentication,
  startCenter,
  TEST_NOW,
  type CenterHarness,
  type RouteResult,
  type TestKiosk,
} from './support/center-harness.js';

function expectRefusal(res: RouteResult<'authenticate'>, status: number, code: string): void {
  expect(refusalOf(res)).toEqual({ status, code });
  expect(!res.ok && res.body.error.message.length).toBeGreaterThan(0);
}

forEachDatabase((harness) => {
  describe('resident authentication', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let residentId: string;
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      kiosk = await center.enrollKiosk();
      residentId = center.demo.featured.ordinary;
    });
    afterAll(() => center?.close());

    const challenge = async (k: TestKiosk = kiosk) => {
      const res = ok(await k.call('challenge', { body: challengeRequest() }));
      expect(Buffer.from(res.challenge, 'base64')).toHaveLength(32);
      expect(new Date(res.expiresAt).getTime() - center.clock.now().getTime()).toBeLessThanOrEqual(60_000);
      return res;
    };

    it('authenticates a linked card and returns the resident’s session, municipality and menu', async () => {
      const card = await center.issueCard(residentId);
      const res = ok(await center.authenticate(kiosk, card));
      expect(res.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.municipalityName.length).toBeGreaterThan(0);
      expect(res.menu.some((m) => m.certificateType === 'residenceRecord' && m.available)).toBe(true);
    });

    it('accepts a card of the previous CA generation (same DN, other key)', async () => {
      const card = await center.issueCard(residentId, { generation: 'previous' });
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
    });

    it('refuses a replayed challenge (AUTH_CHALLENGE_REPLAYED)', async () => {
      const card = await center.issueCard(residentId);
      const c = await challenge();
      const body = signedAuthentication(c, card);
      expect((await kiosk.call('authenticate', { body })).status).toBe(200);
      // A replay is a new call (another idempotency key) with the same signed challenge; the same
      // key would be the kiosk's own retry, answered with the first session.
      const replay = { ...body, idempotencyKey: newKey() };
      expect(replay.idempotencyKey).not.toBe(body.idempotencyKey);
      expectRefusal(await kiosk.call('authenticate', { body: replay }), 401, 'AUTH_CHALLENGE_REPLAYED');
    });

    it('refuses an expired challenge (AUTH_CHALLENGE_EXPIRED)', async () => {
      const card = await center.issueCard(residentId);
      const c = await challenge();
      center.clock.advance(60_001);
      try {
        expectRefusal(await kiosk.call('authenticate', { body: signedAuthentication(c, card) }), 401, 'AUTH_CHALLENGE_EXPIRED');
      } finally {
        center.clock.advance(-60_001);
      }
    });

    it('refuses a challenge presented by another kiosk (AUTH_CHALLENGE_WRONG_KIOSK), and it stays usable by its own', async () => {
      const other = await center.enrollKiosk();
      const card = await center.issueCard(residentId);
      const c = await challenge(kiosk);
      expectRefusal(await other.call('authenticate', { body: signedAuthentication(c, card) }), 401, 'AUTH_CHALLENGE_WRONG_KIOSK');
      expect((await kiosk.call('authenticate', { body: signedAuthentication(c, card) })).status).toBe(200);
    });

    it('refuses a signature the card’s key did not make (AUTH_SIGNATURE_INVALID)', async () => {
      const card = await center.issueCard(residentId);
      const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expectRefusal(
        await kiosk.call('authenticate', { body: signedAuthentication(await challenge(), card, otherKey) }),
        401,
        'AUTH_SIGNATURE_INVALID',
      );
    });

    it('refuses a signature over another challenge (AUTH_SIGNATURE_INVALID)', async () => {
      const card = await center.issueCard(residentId);
      const first = await challenge();
      const second = await challenge();
      const body = { ...signedAuthentication(first, card), challengeId: second.challengeId };
      expectRefusal(await kiosk.call('authenticate', { body }), 401, 'AUTH_SIGNATURE_INVALID');
    });

    it('refuses an expired card certificate (AUTH_CERTIFICATE_EXPIRED)', async () => {
      const card = await center.issueCard(residentId, {
        notBefore: new Date('2021-01-01T00:00:00Z'),
        notAfter: new Date('2026-01-01T00:00:00Z'),
      });
      expectRefusal(await center.authenticate(kiosk, card), 401, 'AUTH_CERTIFICATE_EXPIRED');
    });

    it('refuses a card certificate that is not valid yet (AUTH_CERTIFICATE_NOT_YET_VALID)', async () => {
      const card = await center.issueCard(residentId, {
        notBefore: new Date('2027-01-01T00:00:00Z'),
        notAfter: new Date('2032-01-01T00:00:00Z'),
      });
      expectRefusal(await center.authenticate(kiosk, card), 401, 'AUTH_CERTIFICATE_NOT_YET_VALID');
    });

    it('refuses a card certificate the CRL revokes, picked up by the CRL refresh (AUTH_CERTIFICATE_REVOKED)', async () => {
      const card = await center.issueCard(residentId);
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
      revoke(center.pki, card.serialNumber);
      // The center re-reads its CRL files every crlRefreshMs (200 ms here); no restart.
      let res: RouteResult<'authenticate'> | undefined;
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await center.authenticate(kiosk, card);
        if (res.status !== 200) break;
      }
      expectRefusal(res!, 401, 'AUTH_CERTIFICATE_REVOKED');
    });

    it('refuses a card from a CA with the trusted DN but not a trusted key (AUTH_CERTIFICATE_UNKNOWN_CA)', async () => {
      const card = await center.issueCard(residentId, { generation: 'unknown' });
      expectRefusal(await center.authenticate(kiosk, card), 401, 'AUTH_CERTIFICATE_UNKNOWN_CA');
    });

    it('refuses a valid card linked to no resident (AUTH_RESIDENT_UNKNOWN)', async () => {
      const card = await center.issueCard(residentId, { link: false });
      expectRefusal(await center.authenticate(kiosk, card), 404, 'AUTH_RESIDENT_UNKNOWN');
    });

    it('refuses bytes that are not a certificate (AUTH_CERTIFICATE_INVALID)', async () => {
      const card = await center.issueCard(residentId);
      const body = {
        ...signedAuthentication(await challenge(), card),
        authCertificate: Buffer.from('not a certificate').toString('base64'),
      };
      expectRefusal(await kiosk.call('authenticate', { body }), 400, 'AUTH_CERTIFICATE_INVALID');
    });

    it('refuses every card while the CRL is past nextUpdate + grace (AUTH_REVOCATION_UNAVAILABLE); a fresh CRL ends it', async () => {
      const card = await center.issueCard(residentId);
      const inForce = parseCrl(new Uint8Array(readFileSync(center.pki.paths.crlDer.current)));
      const staleAt = new Date(inForce.nextUpdate!.getTime() + center.config.timeouts.crlGraceMs + 60_000);
      center.clock.set(staleAt);
      try {
        expectRefusal(await center.authenticate(kiosk, card), 503, 'AUTH_REVOCATION_UNAVAILABLE');
        // The CA publishes a fresh CRL (dated now, valid beyond the center's clock); the refresh picks it up.
        const pem = (['current', 'previous'] as const)
          .map((generation) => {
            const ca = center.pki.cas[generation];
            const thisUpdate = new Date();
            return toPem(
              'X509 CRL',
              buildCrl({
                issuer: TEST_CA_NAME,
                issuerPublicKey: ca.publicKey,
                issuerPrivateKey: ca.privateKey,
                thisUpdate,
                nextUpdate: new Date(staleAt.getTime() + 7 * 86_400_000),
                crlNumber: 9_000_000,
                revoked: [],
              }),
            );
          })
          .join('');
        writeFileSync(`${center.pki.paths.crlsPem}.tmp`, pem);
        renameSync(`${center.pki.paths.crlsPem}.tmp`, center.pki.paths.crlsPem);
        let res: RouteResult<'authenticate'> | undefined;
        for (let i = 0; i < 50; i++) {
          await new Promise((r) => setTimeout(r, 100));
          res = await center.authenticate(kiosk, card);
          if (res.status === 200) break;
        }
        expect(res!.status).toBe(200);
      } finally {
        center.clock.set(TEST_NOW);
        generateCrl(center.pki); // the PKI's own CRLs again, with every revocation filed
      }
    });
  });
});
