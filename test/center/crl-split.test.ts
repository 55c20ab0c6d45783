/**
 * Several CRL files for one card CA, through the real center over mutual TLS: every configured file
 * is a partition of the CA's revocation list. A card listed in any current file is refused, however
 * old that file is next to the others; one stale file stops authentication for the whole CA; a
 * file offering only a CRL the center must not use (here a delta CRL) does too. The center re-reads
 * its CRL files every 200 ms here, so each test publishes and waits for the refresh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRL_EXTENSION_OIDS, publishCrl } from '@madoguchi/card-sim';
import type { AuthenticateResponse } from '@madoguchi/shared';
import { parseCrl } from '../../apps/center/src/auth/crl.js';
import { forEachDatabase } from '../support/databases.js';
import { startCenter, TEST_NOW, type CenterHarness, type HttpResult, type TestCard, type TestKiosk } from './support/center-harness.js';

const DAY = 86_400_000;
const partitions = ['partition-older.pem', 'partition-late.pem', 'partition-delta.pem'] as const;
/** A thisUpdate that is in the past both for the center's test clock and for the real clock (which judges "future"). */
const past = (days: number) => new Date(Math.min(Date.now(), TEST_NOW.getTime()) - days * DAY);

forEachDatabase((harness) => {
  describe('several CRL files per card CA', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let residentId: string;
    const fileOf = (name: (typeof partitions)[number]) => join(center.pki.dir, name);
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false }, crlPaths: (pki) => [pki.paths.crlsPem, ...partitions.map((name) => join(pki.dir, name))] });
      kiosk = await center.enrollKiosk();
      residentId = center.demo.featured.ordinary;
    });
    afterAll(() => center?.close());

    /** Authenticates until the answer's status is `status` (the refresh has picked the files up) or 5 s pass. */
    const authenticateUntil = async (card: TestCard, status: number): Promise<HttpResult<AuthenticateResponse>> => {
      let res = await center.authenticate(kiosk, card);
      for (let i = 0; i < 50 && res.status !== status; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await center.authenticate(kiosk, card);
      }
      return res;
    };
    const codeOf = (res: HttpResult<unknown>) => ({ status: res.status, code: (res.body as { error?: { code: string } }).error?.code });

    it('refuses a card revoked only in the older of two current CRL files of its CA (AUTH_CERTIFICATE_REVOKED)', async () => {
      const card = await center.issueCard(residentId);
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
      const thisUpdate = past(2);
      publishCrl(center.pki, { generation: 'current', path: fileOf('partition-older.pem'), thisUpdate, nextUpdate: new Date(TEST_NOW.getTime() + 7 * DAY), revoked: [{ serialNumber: card.serialNumber }] });
      // The PKI's own list of the same CA is newer and does not name the card: both are current.
      const own = parseCrl(new Uint8Array(readFileSync(center.pki.paths.crlDer.current)));
      expect(own.thisUpdate.getTime()).toBeGreaterThan(thisUpdate.getTime());
      expect(own.revokedSerials.has(card.serialNumber)).toBe(false);
      expect(codeOf(await authenticateUntil(card, 401))).toEqual({ status: 401, code: 'AUTH_CERTIFICATE_REVOKED' });
    });

    it('refuses every card of the CA while one of its CRL files is past nextUpdate + grace (AUTH_REVOCATION_UNAVAILABLE), and resumes once that file is fresh', async () => {
      const card = await center.issueCard(residentId);
      const lateNext = new Date(TEST_NOW.getTime() + 3_600_000);
      publishCrl(center.pki, { generation: 'current', path: fileOf('partition-late.pem'), thisUpdate: past(2), nextUpdate: lateNext });
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
      center.clock.set(new Date(lateNext.getTime() + center.config.timeouts.crlGraceMs + 60_000));
      try {
        expect(codeOf(await authenticateUntil(card, 503))).toEqual({ status: 503, code: 'AUTH_REVOCATION_UNAVAILABLE' });
        publishCrl(center.pki, { generation: 'current', path: fileOf('partition-late.pem'), thisUpdate: past(1), nextUpdate: new Date(center.clock.now().getTime() + 7 * DAY) });
        expect((await authenticateUntil(card, 200)).status).toBe(200);
      } finally {
        center.clock.set(TEST_NOW);
      }
    });

    it('refuses every card of the CA while a CRL file offers only a delta CRL, which the center does not use (AUTH_REVOCATION_UNAVAILABLE)', async () => {
      const card = await center.issueCard(residentId);
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
      const path = fileOf('partition-delta.pem');
      publishCrl(center.pki, { generation: 'current', path, thisUpdate: past(1), extensions: [{ oid: CRL_EXTENSION_OIDS.deltaCrlIndicator, critical: true, value: new Uint8Array([0x02, 0x01, 0x01]) }] });
      expect(codeOf(await authenticateUntil(card, 503))).toEqual({ status: 503, code: 'AUTH_REVOCATION_UNAVAILABLE' });
      publishCrl(center.pki, { generation: 'current', path, thisUpdate: past(1) });
      expect((await authenticateUntil(card, 200)).status).toBe(200);
    });
  });
});
