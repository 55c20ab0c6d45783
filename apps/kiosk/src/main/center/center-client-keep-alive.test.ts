/**
 * A call that goes out on a reused keep-alive socket just as the center closes it: the center has
 * the request's bytes (or not) and never answers. The client sends it again at once on a new
 * connection, without spending one of the call's attempts (the client here has none to spare:
 * `retries: 0`), and with the same idempotency key. A connection that fails before it was ever used
 * is not retried this way: that one says something about the center. The end-to-end agreement with a
 * real center is test/kiosk/center-keep-alive.test.ts.
 */
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCenterClient, type CenterClient } from './center-client.js';
import { makeTestTls, type TestTls } from './center-test-servers.js';

const CHALLENGE = {
  challengeId: '0f8e4c2a-6b1d-4e3f-9a5c-7d2e1f0a9b8c',
  challenge: Buffer.alloc(32, 7).toString('base64'),
  expiresAt: '2026-11-24T03:01:00.000Z',
};

/** A center that drops, unanswered, the request with index `drop(n)` of each connection (n counts from 1). */
async function droppingCenter(tls: TestTls, drop: (nth: number) => boolean) {
  const keys: string[] = [];
  const perSocket = new WeakMap<Socket, number>();
  const server = https.createServer(
    { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const nth = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, nth);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        keys.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { idempotencyKey: string }).idempotencyKey);
        if (drop(nth)) return void req.socket.destroy();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(CHALLENGE));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('a call on a reused socket the center closes', () => {
  let tls: TestTls;
  let center: Awaited<ReturnType<typeof droppingCenter>> | undefined;
  let client: CenterClient | undefined;
  beforeAll(() => void (tls = makeTestTls('keep-alive')));
  afterEach(async () => {
    client?.close();
    await center?.close();
  });

  const clientFor = (url: string) =>
    (client = createCenterClient({ baseUrl: url, cert: tls.clientCert, key: tls.clientKey, ca: tls.ca, retries: 0 }));

  it('is sent again at once on a new connection with the same key, and answered', async () => {
    center = await droppingCenter(tls, (nth) => nth === 2);
    const kiosk = clientFor(center.url);
    await kiosk.challenge('5f0c1a2b-3d4e-4f60-8172-93a4b5c6d7e8');
    // Goes out on the first call's socket, which the center drops: answered on a new one.
    await expect(kiosk.challenge('9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b')).resolves.toEqual(CHALLENGE);
    expect(center.keys).toEqual([
      '5f0c1a2b-3d4e-4f60-8172-93a4b5c6d7e8',
      '9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b',
      '9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b',
    ]);
  });

  it('a new connection that fails is not sent again this way (no attempts left: unreachable)', async () => {
    center = await droppingCenter(tls, (nth) => nth === 1);
    const kiosk = clientFor(center.url);
    await expect(kiosk.challenge('5f0c1a2b-3d4e-4f60-8172-93a4b5c6d7e8')).rejects.toMatchObject({ code: 'ISSUANCE_CENTER_UNREACHABLE' });
    expect(center.keys).toEqual(['5f0c1a2b-3d4e-4f60-8172-93a4b5c6d7e8']);
  });
});
