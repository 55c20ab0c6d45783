import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCenterClient, type CenterClientOptions } from './center-client.js';
import {
  makeTestTls,
  refusingUrl,
  silentCenter,
  startScriptedCenter,
  type ScriptedAnswer,
  type SeenRequest,
  type TestTls,
} from './center-test-servers.js';

const CHALLENGE = {
  challengeId: '0f8e4c2a-6b1d-4e3f-9a5c-7d2e1f0a9b8c',
  challenge: Buffer.alloc(32, 7).toString('base64'),
  expiresAt: '2026-11-24T03:01:00.000Z',
};
const BINDING_KEY = { keyId: 'binding-test', publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n' };
const answers = {
  challenge: { status: 200, json: CHALLENGE },
  bindingKey: { status: 200, json: BINDING_KEY },
  refusal: (status: number, code: string): ScriptedAnswer => ({ status, json: { error: { code, message: code, messageEn: code } } }),
};
const keyOf = (request: SeenRequest) => (request.body as { idempotencyKey?: string } | undefined)?.idempotencyKey;

describe('center client with several centers', () => {
  let tls: TestTls;
  const closers: (() => Promise<void> | void)[] = [];
  beforeAll(() => {
    tls = makeTestTls('failover');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  const client = (baseUrls: string[], options: Partial<CenterClientOptions> = {}) => {
    const made = createCenterClient({ baseUrls, cert: tls.clientCert, key: tls.clientKey, ca: tls.ca, ...options });
    closers.push(() => made.close());
    return made;
  };
  const center = async (respond: (request: SeenRequest) => ScriptedAnswer, world: TestTls = tls) => {
    const started = await startScriptedCenter(world, respond);
    closers.push(() => started.close());
    return started;
  };

  it('a primary that refuses the connection: the call goes to the next center, which answers it', async () => {
    const primary = await refusingUrl();
    const secondary = await center(() => answers.challenge);
    const kiosk = client([primary, secondary.url]);
    const key = randomUUID();
    expect(await kiosk.challenge(key)).toEqual(CHALLENGE);
    expect(secondary.requests.map(keyOf)).toEqual([key]);
    expect(kiosk.lastAnsweredBy()).toBe(secondary.url);
    expect(kiosk.preferredCenter()).toBe(secondary.url);
  });

  it('tries the centers in list order, then round again, all with one idempotency key: a 5xx and a hung center fail over', async () => {
    const tries: string[] = [];
    let primaryCalls = 0;
    const primary = await center((request) => {
      tries.push(`primary:${keyOf(request)}`);
      return ++primaryCalls === 1 ? answers.refusal(503, 'ISSUANCE_CENTER_UNREACHABLE') : answers.challenge;
    });
    const secondary = await center((request) => {
      tries.push(`secondary:${keyOf(request)}`);
      return 'hang';
    });
    const kiosk = client([primary.url, secondary.url], { timeoutMs: 500, retries: 2 });
    const key = randomUUID();
    expect(await kiosk.challenge(key)).toEqual(CHALLENGE);
    expect(tries).toEqual([`primary:${key}`, `secondary:${key}`, `primary:${key}`]);
    expect(kiosk.lastAnsweredBy()).toBe(primary.url);
  });

  it('a center whose TLS certificate the kiosk does not trust is failed over', async () => {
    const impostor = await center(() => answers.challenge, makeTestTls('impostor'));
    const secondary = await center(() => answers.challenge);
    const kiosk = client([impostor.url, secondary.url]);
    expect(await kiosk.challenge()).toEqual(CHALLENGE);
    expect(impostor.requests).toEqual([]);
    expect(kiosk.lastAnsweredBy()).toBe(secondary.url);
  });

  it('never fails over on a 4xx: the refusal is the center’s answer, and no other center hears of the call', async () => {
    const primary = await center(() => answers.refusal(409, 'ISSUANCE_INVALID_STATE'));
    const secondary = await center(() => answers.challenge);
    const kiosk = client([primary.url, secondary.url]);
    await expect(kiosk.challenge()).rejects.toMatchObject({ code: 'ISSUANCE_INVALID_STATE' });
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toEqual([]);
    expect(kiosk.preferredCenter()).toBe(primary.url);
  });

  it('after failing over, the next calls go to the center that answered, not to the failed primary first', async () => {
    const primary = await center(() => answers.refusal(500, 'INTERNAL'));
    const secondary = await center(() => answers.challenge);
    const kiosk = client([primary.url, secondary.url], { primaryProbeIntervalMs: 60_000 });
    await kiosk.challenge();
    await kiosk.challenge();
    await kiosk.challenge();
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(3);
  });

  it('comes back to the primary once its probe is answered, and only then; the next call goes there first', async () => {
    const primary = await center(() => answers.refusal(503, 'ISSUANCE_CENTER_UNREACHABLE'));
    const secondary = await center(() => answers.challenge);
    const switches: unknown[] = [];
    const kiosk = client([primary.url, secondary.url], {
      primaryProbeIntervalMs: 50,
      log: (event, fields) => switches.push({ event, ...fields }),
    });
    await kiosk.challenge();
    expect(kiosk.preferredCenter()).toBe(secondary.url);
    // Probes that the primary still fails keep the kiosk where it is.
    const probes = () => primary.requests.filter((r) => r.method === 'GET').length;
    await vi.waitFor(() => expect(probes()).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 20 });
    expect(kiosk.preferredCenter()).toBe(secondary.url);

    primary.script((request) => (request.method === 'GET' ? answers.bindingKey : answers.challenge));
    await vi.waitFor(() => expect(kiosk.preferredCenter()).toBe(primary.url), { timeout: 10_000, interval: 20 });
    const secondaryCalls = secondary.requests.length;
    await kiosk.challenge();
    expect(kiosk.lastAnsweredBy()).toBe(primary.url);
    expect(secondary.requests).toHaveLength(secondaryCalls);
    expect(switches).toEqual([
      { event: 'center switched', from: primary.url, to: secondary.url },
      { event: 'center switched', from: secondary.url, to: primary.url },
    ]);
  });

  it('the caller’s deadline bounds the whole call, every center included: none is tried after it', async () => {
    const first = await silentCenter();
    const second = await silentCenter();
    closers.push(
      () => first.close(),
      () => second.close(),
    );
    const kiosk = client([first.url, second.url]);
    const started = Date.now();
    await expect(
      kiosk.pay('9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b', 300, '5f0c1a2b-3d4e-4f60-8172-93a4b5c6d7e8', started + 1_500),
    ).rejects.toMatchObject({ code: 'ISSUANCE_CENTER_UNREACHABLE' });
    // The payment's attempt may take up to 40 s: the first center's attempt is cut at the deadline.
    expect(first.sockets).toHaveLength(1);
    expect(second.sockets).toHaveLength(0);
  }, 20_000);

  it('refuses to start without a center, or with both baseUrl and baseUrls', () => {
    const pems = { cert: '', key: '', ca: '' };
    expect(() => createCenterClient({ baseUrls: [], ...pems })).toThrow(/no center/);
    expect(() => createCenterClient({ baseUrl: 'https://127.0.0.1:1', baseUrls: ['https://127.0.0.1:2'], ...pems })).toThrow(/both/);
  });
});
