import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCenterClient } from './center-client.js';

/** A "center" that accepts connections and never says a word: a hung network path. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sockets };
}

describe('center client deadline', () => {
  let silent: Awaited<ReturnType<typeof silentServer>> | undefined;
  afterEach(async () => {
    for (const socket of silent?.sockets ?? []) socket.destroy();
    await new Promise<void>((resolve) => (silent ? silent.server.close(() => resolve()) : resolve()));
  });

  it('a payment to a center that never answers ends at the caller’s deadline, retries included, as unreachable', async () => {
    silent = await silentServer();
    // TLS never completes against a silent peer; without the deadline this call would wait 3 × 40 s.
    const client = createCenterClient({ baseUrl: `https://127.0.0.1:${silent.port}`, cert: '', key: '', ca: '' });
    const started = Date.now();
    await expect(
      client.pay('9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b', 300, '5f0c1a2b-3d4e-4f60-8172-93a4b5c6d7e8', started + 1_500),
    ).rejects.toMatchObject({ code: 'ISSUANCE_CENTER_UNREACHABLE' });
    client.close();
    // One attempt, cut at the deadline; no retry started after it.
    expect(silent.sockets.length).toBe(1);
  }, 20_000);

  it('refuses a request its route’s schema refuses before opening a connection (INPUT_INVALID)', async () => {
    silent = await silentServer();
    const client = createCenterClient({ baseUrl: `https://127.0.0.1:${silent.port}`, cert: '', key: '', ca: '' });
    await expect(
      client.quote({ sessionId: '9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b', certificateType: 'residenceRecord', copies: 0 }),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(client.printResult('not-an-issuance', { issueNumber: 'x', outcome: 'printed' })).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
    client.close();
    expect(silent.sockets.length).toBe(0);
  });
});
