/**
 * Issue 14 item 5: the center's keep-alive timeout and the kiosk's idle sockets agree
 * (docs/benchmarks.md#keep-alive). The center closes a connection left idle past its keep-alive
 * timeout; a kiosk that sends its next call on that socket as the center closes it gets ECONNRESET,
 * and at a busy store that is a resident's call failing (or, with attempts left, waiting 200 ms and
 * spending one). Here a real center (real mutual TLS, a short keep-alive so the test is quick) and
 * kiosks on the real center client call again at exactly the moment the center closes their idle
 * connection, many times: no call may fail.
 *
 * The client runs with `retries: 0`, so a reset the kiosk brought on itself is not hidden by the
 * attempts meant for a center that is down. SQLite only: keep-alive belongs to the HTTP server,
 * whatever the database behind it.
 */
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenterClient, type CenterClient } from '@madoguchi/kiosk/center-client';
import { createHarness } from '../support/databases.js';
import { startCenter, type CenterHarness, type TestKiosk } from '../center/support/center-harness.js';

/** Two seconds: the shortest the center can announce (`Keep-Alive: timeout=2`) that a Node client may still reuse. */
const KEEP_ALIVE_MS = 2_000;
const LANES = 8;
const ROUNDS = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A call that reaches the center during one slow turn of its event loop (a loaded center's turn),
 * just before its edge: when the turn ends, the center's expired keep-alive timer runs before it
 * reads what arrived. Center and kiosks share this thread here, so the thread is blocked whole, right
 * after the request is written (the client writes it on the next tick), in the check phase, so that
 * the next thing the loop does is run its timers.
 */
async function callDuringSlowTurn(call: () => Promise<unknown>, turnMs: number): Promise<unknown> {
  await new Promise((resolve) => setImmediate(resolve));
  const answer = call();
  process.nextTick(() => process.nextTick(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, turnMs)));
  return answer;
}

describe('keep-alive between the kiosk and the center', () => {
  const databases = createHarness('sqlite');
  let center: CenterHarness;
  let kiosks: TestKiosk[];
  const clients: CenterClient[] = [];
  let connections = 0;
  /** How long after its answer the center really closes an idle connection (Node adds a second to what it announces). */
  let edgeMs: number;

  beforeAll(async () => {
    center = await startCenter(await databases.fresh(), { build: { sweeper: false }, timeouts: { keepAliveTimeoutMs: KEEP_ALIVE_MS } });
    center.app.server.on('secureConnection', () => connections++);
    kiosks = await Promise.all(Array.from({ length: LANES }, () => center.enrollKiosk()));
    // Measured, not assumed: the harness's own client (no idle timeout) answered, then left idle.
    const closed = new Promise<number>((resolve) =>
      center.app.server.once('secureConnection', (socket: TLSSocket) => socket.once('close', () => resolve(performance.now()))),
    );
    await center.bindingKeyPem(kiosks[0]!);
    const answeredAt = performance.now();
    edgeMs = (await closed) - answeredAt;
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await center?.close();
    await databases.dispose();
  });

  const clientOf = (kiosk: TestKiosk): CenterClient => {
    const client = createCenterClient({ baseUrl: center.baseUrl, cert: kiosk.certPem, key: kiosk.keyPem, ca: center.caPem, retries: 0 });
    clients.push(client);
    return client;
  };

  it('a kiosk calling again just as the center closes its idle connection gets its answer, every time', async () => {
    expect(edgeMs).toBeGreaterThan(KEEP_ALIVE_MS);
    const failures: string[] = [];
    let calls = 0;
    await Promise.all(
      kiosks.map(async (kiosk, lane) => {
        const client = clientOf(kiosk);
        // Lanes apart, so that their busy turns do not fall on one another's edge.
        await sleep(lane * 150);
        await client.challenge();
        for (let round = 0; round < ROUNDS; round++) {
          // A few milliseconds before the edge, different every round.
          await sleep(edgeMs - 2 - (round % 3));
          calls++;
          // A POST with its idempotency key, as every kiosk call that changes something.
          await callDuringSlowTurn(() => client.challenge(), 20).catch((error: unknown) => {
            failures.push(error instanceof Error ? error.message : String(error));
          });
        }
      }),
    );
    expect(calls).toBe(LANES * ROUNDS);
    expect(failures).toEqual([]);
  }, 60_000);

  it('calls close together still share one connection (the agreement does not turn keep-alive off)', async () => {
    const client = clientOf(kiosks[0]!);
    await client.challenge();
    const before = connections;
    for (let i = 0; i < 5; i++) {
      await sleep(KEEP_ALIVE_MS / 4);
      await client.challenge();
    }
    expect(connections).toBe(before);
  });
});
