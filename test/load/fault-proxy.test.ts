/**
 * The load run's fault proxy between the kiosk's own center client (`@madoguchi/kiosk/center-client`,
 * real mutual TLS through the proxy) and a real center listening over HTTPS. The one fault that
 * matters most: the connection reset as the center answers a payment it has committed — the client
 * retries with the same idempotency key and gets the first call's delivery, never a second charge.
 * Then each mode and the seeded random faults, by what the proxy counts and what the client sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenterClient, type CenterClient } from '@madoguchi/kiosk/center-client';
import { createHarness } from '../support/databases.js';
import { newKey, signedAuthentication, startCenter, type CenterHarness, type TestKiosk } from '../center/support/center-harness.js';
import { drawFault, seededRandom, startFaultProxy, type FaultCounts, type FaultProxy } from './fault-proxy.js';

describe('fault proxy', () => {
  // The proxy does not care which database; PostgreSQL is where several centers share the idempotency rows.
  const harness = createHarness('postgres');
  let center: CenterHarness;
  let kiosk: TestKiosk;
  let proxy: FaultProxy;
  const clients: CenterClient[] = [];

  const clientOf = (options: { timeoutMs?: number; retries?: number } = {}) => {
    const client = createCenterClient({ baseUrl: proxy.url, cert: kiosk.certPem, key: kiosk.keyPem, ca: center.caPem, ...options });
    clients.push(client);
    return client;
  };
  /** What the proxy did since `before`. */
  const since = (before: FaultCounts): FaultCounts => {
    const now = proxy.counts();
    return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - before[k as keyof FaultCounts]])) as unknown as FaultCounts;
  };

  beforeAll(async () => {
    center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
    kiosk = await center.enrollKiosk();
    proxy = await startFaultProxy({ targetPort: Number(new URL(center.baseUrl).port) });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy?.close();
    await center?.close();
    await harness.dispose();
  });

  it('a reset as the center answers a payment: the client retries with the same key and gets the first call’s delivery', async () => {
    const client = clientOf();
    const card = await center.issueCard(center.demo.featured.chiyodaResident);
    const challenge = await client.challenge();
    const { challengeId, authCertificate, signature, tokenType } = signedAuthentication(challenge, card);
    const session = await client.authenticate({ challengeId, authCertificate, signature, tokenType });
    const quote = await client.quote({ sessionId: session.sessionId, certificateType: 'residenceRecord', options: {}, copies: 1 });

    // The kiosk's keep-alive connection is open; its next answer (the payment's) never arrives.
    expect(proxy.faultOpen({ kind: 'reset', on: 'nextAnswer' })).toBeGreaterThan(0);
    const before = proxy.counts();
    const key = newKey();
    const delivery = await client.pay(quote.issuanceId, quote.totalYen, key);
    expect(since(before)).toMatchObject({ reset: 1, connections: 1 });

    const db = center.database.db;
    const paid = await db.selectFrom('audit_events').select('event').where('issuance_id', '=', quote.issuanceId).execute();
    expect(paid.filter((e) => e.event === 'paid')).toHaveLength(1);
    const fees = await db.selectFrom('billing_ledger').select('amount_yen').where('issuance_id', '=', quote.issuanceId).execute();
    expect(fees).toEqual([{ amount_yen: quote.totalYen }]);
    // The second attempt was a replay of the stored first result, not a second payment.
    const replays = await db.selectFrom('incidents').select('kind').where('issuance_id', '=', quote.issuanceId).execute();
    expect(replays).toEqual([{ kind: 'delivery_replayed' }]);
    const stored = await db.selectFrom('issuance_documents').select(['issue_number', 'document_sha256']).execute();
    expect(delivery.documents.map((d) => [d.binding.issueNumber, d.binding.documentSha256])).toEqual(
      stored.map((d) => [d.issue_number, d.document_sha256]),
    );

    const printed = await client.printResult(quote.issuanceId, {
      issueNumber: delivery.documents[0]!.binding.issueNumber,
      outcome: 'printed',
    });
    expect(printed.state).toBe('printed');
  });

  it('delay: every byte arrives, late and in order', async () => {
    const client = clientOf();
    proxy.setMode({ kind: 'delay', ms: 150 });
    const before = proxy.counts();
    const startedAt = Date.now();
    const { publicKeyPem } = await client.bindingKey();
    // A lower bound only (load makes it later, never earlier): the TLS handshake and the request are
    // at least two round trips, each delayed 150 ms one way and 150 ms back.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4 * 150);
    expect(publicKeyPem).toBe(await center.bindingKeyPem(kiosk));
    expect(since(before)).toMatchObject({ connections: 1, delay: 1 });
    proxy.setMode({ kind: 'pass' });
  });

  it('drop and reset on connect: each attempt of the client fails, and the call with them; then it passes again', async () => {
    const client = clientOf({ retries: 2 });
    for (const mode of [{ kind: 'drop' }, { kind: 'reset' }] as const) {
      proxy.setMode(mode);
      const before = proxy.counts();
      await expect(client.challenge()).rejects.toThrow();
      expect(since(before)).toMatchObject({ connections: 3, [mode.kind]: 3 });
    }
    proxy.setMode({ kind: 'pass' });
    expect((await client.challenge()).challengeId).toBeTruthy();
  });

  it('stall: the connection is accepted and nothing comes back, so the client times out', async () => {
    const client = clientOf({ timeoutMs: 500, retries: 0 });
    proxy.setMode({ kind: 'stall' });
    const before = proxy.counts();
    await expect(client.challenge()).rejects.toThrow(/timeout/);
    expect(since(before)).toMatchObject({ connections: 1, stall: 1 });
    proxy.setMode({ kind: 'pass' });
  });

  it('random faults: a reset within a connection’s first millisecond on every connection, then none', async () => {
    const client = clientOf({ retries: 1 });
    proxy.setRandom({ seed: 1, resetWithinMs: { p: 1, withinMs: 1 } });
    const before = proxy.counts();
    await expect(client.challenge()).rejects.toThrow();
    expect(since(before)).toMatchObject({ connections: 2, reset: 2 });
    proxy.setRandom(undefined);
    expect((await client.challenge()).challengeId).toBeTruthy();
  });
});

describe('drawFault', () => {
  const random = { seed: 42, drop: 0.05, reset: 0.1, stall: 0.05, delay: { p: 0.2, ms: 50 }, resetWithinMs: { p: 0.1, withinMs: 1000 } };
  const draws = (n: number) => {
    const next = seededRandom(random.seed);
    return Array.from({ length: n }, () => drawFault(random, next));
  };

  it('the same seed gives the same faults, in the proportions asked', () => {
    const first = draws(10_000);
    expect(draws(10_000)).toEqual(first);
    const share = (kind: string) => first.filter((f) => f.kind === kind).length / first.length;
    expect(share('drop')).toBeCloseTo(0.05, 1);
    expect(share('reset')).toBeCloseTo(0.1, 1);
    expect(share('delay')).toBeCloseTo(0.2, 1);
    expect(share('resetLater')).toBeCloseTo(0.1, 1);
    expect(share('pass')).toBeCloseTo(0.5, 1);
  });
});
