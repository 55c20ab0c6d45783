/**
 * Acceptance 6, "idempotency keys on every kiosk call", for the two authentication calls, over real
 * mutual TLS on both databases: a retried POST /challenges returns the same challenge, a retried
 * POST /sessions the same session — the challenge is consumed once, one session row, one audit
 * entry — and the kiosk's own center client, retrying after a timeout, gets its session instead of
 * AUTH_CHALLENGE_REPLAYED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskPath, type ErrorBody } from '@madoguchi/shared';
import { createCenterClient } from '@madoguchi/kiosk/center-client';
import { forEachDatabase } from '../support/databases.js';
import {
  newKey,
  ok,
  refusalOf,
  signedAuthentication,
  startCenter,
  type CenterHarness,
  type TestCard,
  type TestKiosk,
} from './support/center-harness.js';

forEachDatabase((harness) => {
  describe('idempotent authentication', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let card: TestCard;
    /** The next menu computation waits this long (to make the kiosk client time out once). */
    let slowMenuMs = 0;

    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), {
        build: { sweeper: false },
        wrapServices: (base) => ({
          ...base,
          sessionView: async (...args) => {
            const wait = slowMenuMs;
            slowMenuMs = 0;
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            return base.sessionView(...args);
          },
        }),
      });
      kiosk = await center.enrollKiosk();
      card = await center.issueCard(center.demo.featured.ordinary);
    });
    afterAll(() => center?.close());

    const challenge = async (idempotencyKey = newKey()) => {
      return ok(await kiosk.call('challenge', { body: { idempotencyKey } }));
    };
    const counts = async () => {
      const db = center.database.db;
      const sessions = await db
        .selectFrom('sessions')
        .select(db.fn.countAll<number>().as('n'))
        .where('terminal_id', '=', kiosk.terminalId)
        .executeTakeFirstOrThrow();
      const audits = await db
        .selectFrom('audit_events')
        .select(db.fn.countAll<number>().as('n'))
        .where('event', '=', 'resident_authenticated')
        .where('terminal_id', '=', kiosk.terminalId)
        .executeTakeFirstOrThrow();
      return { sessions: Number(sessions.n), audits: Number(audits.n) };
    };

    it('returns the same challenge for a retried POST /challenges, and a new one for a new key', async () => {
      const key = newKey();
      const first = await challenge(key);
      const retry = await challenge(key);
      expect(retry).toEqual(first);
      expect((await challenge()).challengeId).not.toBe(first.challengeId);
      const stored = await center.database.db
        .selectFrom('challenges')
        .select('challenge_id')
        .where('terminal_id', '=', kiosk.terminalId)
        .where('challenge_id', '=', first.challengeId)
        .execute();
      expect(stored).toHaveLength(1);
    });

    it('returns the same session for a retried POST /sessions and consumes nothing twice', async () => {
      const before = await counts();
      const body = { ...signedAuthentication(await challenge(), card), idempotencyKey: newKey() };
      const first = ok(await kiosk.call('authenticate', { body }));
      const retry = ok(await kiosk.call('authenticate', { body }));
      expect(retry.sessionId).toBe(first.sessionId);
      expect(retry.expiresAt).toBe(first.expiresAt);
      expect(retry.menu).toEqual(first.menu);
      expect(retry.householdMembers).toEqual(first.householdMembers);
      expect(await counts()).toEqual({ sessions: before.sessions + 1, audits: before.audits + 1 });
      // The retried session is a real one: the kiosk can quote with it.
      expect((await center.quote(kiosk, retry.sessionId)).status).toBe(200);
    });

    it('answers concurrent duplicates with one session', async () => {
      const before = await counts();
      const body = { ...signedAuthentication(await challenge(), card), idempotencyKey: newKey() };
      const answers = await Promise.all([1, 2, 3].map(() => kiosk.call('authenticate', { body })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => ok(a).sessionId)).size).toBe(1);
      expect(await counts()).toEqual({ sessions: before.sessions + 1, audits: before.audits + 1 });
    });

    it('refuses a key reused with another body (ISSUANCE_IDEMPOTENCY_CONFLICT) or a used challenge (AUTH_CHALLENGE_REPLAYED)', async () => {
      const key = newKey();
      const signed = signedAuthentication(await challenge(), card);
      expect((await kiosk.call('authenticate', { body: { ...signed, idempotencyKey: key } })).status).toBe(200);
      const before = await counts();
      const other = signedAuthentication(await challenge(), card);
      expect(refusalOf(await kiosk.call('authenticate', { body: { ...other, idempotencyKey: key } }))).toEqual({
        status: 409,
        code: 'ISSUANCE_IDEMPOTENCY_CONFLICT',
      });
      // A key is one call of one kind: the challenge call's key cannot name an authentication.
      const challengeKey = newKey();
      await challenge(challengeKey);
      expect(refusalOf(await kiosk.call('authenticate', { body: { ...other, idempotencyKey: challengeKey } }))).toEqual({
        status: 409,
        code: 'ISSUANCE_IDEMPOTENCY_CONFLICT',
      });
      // A new key is a new call: the consumed challenge stays consumed.
      expect(refusalOf(await kiosk.call('authenticate', { body: { ...signed, idempotencyKey: newKey() } }))).toEqual({
        status: 401,
        code: 'AUTH_CHALLENGE_REPLAYED',
      });
      expect(await counts()).toEqual(before);
    });

    it('replays a refusal with the same code, without trying again', async () => {
      const body = { ...signedAuthentication(await challenge(), card), idempotencyKey: newKey() };
      const forged = { ...body, signature: Buffer.alloc(256, 1).toString('base64') };
      expect(refusalOf(await kiosk.call('authenticate', { body: forged }))).toEqual({ status: 401, code: 'AUTH_SIGNATURE_INVALID' });
      expect(refusalOf(await kiosk.call('authenticate', { body: forged }))).toEqual({ status: 401, code: 'AUTH_SIGNATURE_INVALID' });
    });

    it('refuses POST /challenges without an idempotency key (INPUT_INVALID) and stores nothing', async () => {
      const db = center.database.db;
      const stored = async () => ({
        challenges: (await db.selectFrom('challenges').select('challenge_id').where('terminal_id', '=', kiosk.terminalId).execute()).length,
        keys: (await db.selectFrom('idempotency_keys').select('idempotency_key').where('terminal_id', '=', kiosk.terminalId).execute())
          .length,
      });
      const before = await stored();
      for (const body of [{}, { idempotencyKey: null }, { idempotencyKey: 'not-a-uuid' }]) {
        const res = await kiosk.raw<ErrorBody>('POST', kioskPath('challenge'), body);
        expect(refusalOf(res)).toEqual({ status: 400, code: 'INPUT_INVALID' });
        expect(JSON.stringify(res.body.error.issues)).toContain('idempotencyKey');
      }
      expect(await stored()).toEqual(before);
    });

    it('refuses POST /sessions without an idempotency key (INPUT_INVALID): challenge unused, no session, no audit row', async () => {
      const c = await challenge();
      const { idempotencyKey: _sent, ...unkeyed } = signedAuthentication(c, card);
      const db = center.database.db;
      const keys = async () =>
        (await db.selectFrom('idempotency_keys').select('idempotency_key').where('terminal_id', '=', kiosk.terminalId).execute()).length;
      const before = { ...(await counts()), keys: await keys() };
      const res = await kiosk.raw('POST', kioskPath('authenticate'), unkeyed);
      expect(refusalOf(res)).toEqual({ status: 400, code: 'INPUT_INVALID' });
      expect({ ...(await counts()), keys: await keys() }).toEqual(before);
      const row = await db.selectFrom('challenges').select('used_at').where('challenge_id', '=', c.challengeId).executeTakeFirstOrThrow();
      expect(row.used_at).toBeNull();
      // Nothing was consumed: the same signed challenge with a key opens the session.
      expect((await kiosk.call('authenticate', { body: { ...unkeyed, idempotencyKey: newKey() } })).status).toBe(200);
    });

    it('keeps idempotency keys apart per kiosk', async () => {
      const other = await center.enrollKiosk();
      const key = newKey();
      const mine = await challenge(key);
      const theirs = ok(await other.call('challenge', { body: { idempotencyKey: key } }));
      expect(theirs.challengeId).not.toBe(mine.challengeId);
    });

    it('the kiosk’s center client, timing out on POST /sessions, retries with the same key and gets the same session', async () => {
      const client = createCenterClient({
        baseUrl: center.baseUrl,
        cert: kiosk.certPem,
        key: kiosk.keyPem,
        ca: center.caPem,
        timeoutMs: 1_000,
        retries: 2,
      });
      try {
        const before = await counts();
        const c = await client.challenge();
        const signed = signedAuthentication(c, card);
        // The first answer comes after the client has given up: the session exists, the kiosk never saw it.
        slowMenuMs = 1_500;
        const session = await client.authenticate({
          challengeId: signed.challengeId,
          authCertificate: signed.authCertificate,
          signature: signed.signature,
          tokenType: 'card',
        });
        expect(session.menu.length).toBeGreaterThan(0);
        expect(await counts()).toEqual({ sessions: before.sessions + 1, audits: before.audits + 1 });
        const row = await center.database.db
          .selectFrom('sessions')
          .select('session_id')
          .where('terminal_id', '=', kiosk.terminalId)
          .orderBy('created_at', 'desc')
          .orderBy('session_id')
          .execute();
        expect(row.map((r) => r.session_id)).toContain(session.sessionId);
        const used = await center.database.db
          .selectFrom('challenges')
          .select('used_at')
          .where('challenge_id', '=', c.challengeId)
          .executeTakeFirstOrThrow();
        expect(used.used_at).not.toBeNull();
      } finally {
        client.close();
      }
    });

    it('the kiosk’s center client checks a request against the shared schema before sending it', async () => {
      const client = createCenterClient({ baseUrl: center.baseUrl, cert: kiosk.certPem, key: kiosk.keyPem, ca: center.caPem });
      try {
        const before = await counts();
        await expect(
          client.authenticate({ challengeId: 'not-a-uuid', authCertificate: '!', signature: '', tokenType: 'card' }),
        ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
        expect(await counts()).toEqual(before);
      } finally {
        client.close();
      }
    });
  });
});
