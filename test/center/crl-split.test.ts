/**
 * Several CRL files for one card CA, through the real center over mutual TLS: every configured file
 * is a partition of the CA's revocation list. A card listed in any current file is refused, however
 * old that file is next to the others; one stale file stops authentication for the whole CA; a
 * file offering only a CRL the center must not use (here a delta CRL) does too. The center re-reads
 * its CRL files every 200 ms here, so each test publishes and waits for the refresh. Every file is
 * in place before the center starts: a configured file never read would stop every CA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRL_EXTENSION_OIDS, publishCrl, type TestPki } from '@madoguchi/card-sim';
import { parseCrl } from '@madoguchi/center/auth';
import { forEachDatabase } from '../support/databases.js';
import {
  refusalOf,
  startCenter,
  TEST_NOW,
  type CenterHarness,
  type RouteResult,
  type TestCard,
  type TestKiosk,
} from './support/center-harness.js';

const DAY = 86_400_000;
const partitions = ['partition-older.pem', 'partition-late.pem'] as const;
/** A thisUpdate that is in the past both for the center's test clock and for the real clock (which judges "future"). */
const past = (days: number) => new Date(Math.min(Date.now(), TEST_NOW.getTime()) - days * DAY);

/** Authenticates until the answer's status is `status` (the refresh has picked the files up) or 5 s pass. */
async function authenticateUntil(
  center: CenterHarness,
  kiosk: TestKiosk,
  card: TestCard,
  status: number,
): Promise<RouteResult<'authenticate'>> {
  let res = await center.authenticate(kiosk, card);
  for (let i = 0; i < 50 && res.status !== status; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await center.authenticate(kiosk, card);
  }
  return res;
}

forEachDatabase((harness) => {
  describe('several CRL files per card CA', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let residentId: string;
    const fileOf = (name: (typeof partitions)[number]) => join(center.pki.dir, name);
    const until = (card: TestCard, status: number) => authenticateUntil(center, kiosk, card, status);
    beforeAll(async () => {
      const crlPaths = (pki: TestPki) =>
        partitions.map((name) => {
          // Each partition starts empty and older than anything a test publishes to it.
          const path = join(pki.dir, name);
          publishCrl(pki, { generation: 'current', path, thisUpdate: past(3), nextUpdate: new Date(TEST_NOW.getTime() + 7 * DAY) });
          return path;
        });
      center = await startCenter(await harness.fresh(), {
        build: { sweeper: false },
        crlPaths: (pki) => [pki.paths.crlsPem, ...crlPaths(pki)],
      });
      kiosk = await center.enrollKiosk();
      residentId = center.demo.featured.ordinary;
    });
    afterAll(() => center?.close());

    it('refuses a card revoked only in the older of two current CRL files of its CA (AUTH_CERTIFICATE_REVOKED)', async () => {
      const card = await center.issueCard(residentId);
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
      const thisUpdate = past(2);
      publishCrl(center.pki, {
        generation: 'current',
        path: fileOf('partition-older.pem'),
        thisUpdate,
        nextUpdate: new Date(TEST_NOW.getTime() + 7 * DAY),
        revoked: [{ serialNumber: card.serialNumber }],
      });
      // The PKI's own list of the same CA is newer and does not name the card: both are current.
      const own = parseCrl(new Uint8Array(readFileSync(center.pki.paths.crlDer.current)));
      expect(own.thisUpdate.getTime()).toBeGreaterThan(thisUpdate.getTime());
      expect(own.revokedSerials.has(card.serialNumber)).toBe(false);
      expect(refusalOf(await until(card, 401))).toEqual({ status: 401, code: 'AUTH_CERTIFICATE_REVOKED' });
    });

    it('refuses every card of the CA while one of its CRL files is past nextUpdate + grace; resumes once that file is fresh', async () => {
      const card = await center.issueCard(residentId);
      const lateNext = new Date(TEST_NOW.getTime() + 3_600_000);
      publishCrl(center.pki, { generation: 'current', path: fileOf('partition-late.pem'), thisUpdate: past(2), nextUpdate: lateNext });
      expect((await center.authenticate(kiosk, card)).status).toBe(200);
      center.clock.set(new Date(lateNext.getTime() + center.config.timeouts.crlGraceMs + 60_000));
      try {
        expect(refusalOf(await until(card, 503))).toEqual({ status: 503, code: 'AUTH_REVOCATION_UNAVAILABLE' });
        publishCrl(center.pki, {
          generation: 'current',
          path: fileOf('partition-late.pem'),
          thisUpdate: past(1),
          nextUpdate: new Date(center.clock.now().getTime() + 7 * DAY),
        });
        expect((await until(card, 200)).status).toBe(200);
      } finally {
        center.clock.set(TEST_NOW);
      }
    });
  });

  describe('a CRL file that offers only a delta CRL', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let deltaPath: string;
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), {
        build: { sweeper: false },
        crlPaths: (pki) => {
          deltaPath = join(pki.dir, 'delta.pem');
          publishCrl(pki, {
            generation: 'current',
            path: deltaPath,
            thisUpdate: past(1),
            extensions: [{ oid: CRL_EXTENSION_OIDS.deltaCrlIndicator, critical: true, value: new Uint8Array([0x02, 0x01, 0x01]) }],
          });
          return [pki.paths.crlsPem, deltaPath];
        },
      });
      kiosk = await center.enrollKiosk();
    });
    afterAll(() => center?.close());

    it('refuses every card of its CA: delta CRLs are not used, they could hide a revocation; a complete CRL resumes', async () => {
      const card = await center.issueCard(center.demo.featured.ordinary);
      expect(refusalOf(await center.authenticate(kiosk, card))).toEqual({ status: 503, code: 'AUTH_REVOCATION_UNAVAILABLE' });
      publishCrl(center.pki, { generation: 'current', path: deltaPath, thisUpdate: past(1) });
      expect((await authenticateUntil(center, kiosk, card, 200)).status).toBe(200);
    });
  });
});
