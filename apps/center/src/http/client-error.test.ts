import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '@madoguchi/shared';
import { REFUSAL_LINGER_MS, clientErrorHandler } from './error-handler.js';

/**
 * A refusal from Node's HTTP parser (here 431: headers over the limit) must reach a client that is
 * still sending its long request. Closing the socket at once, with the client's bytes still arriving,
 * makes the kernel answer them with a reset, and a reset throws away the refusal the client has not
 * read yet: the client sees ECONNRESET instead of a 431 with its catalog code.
 */
describe('clientErrorHandler on a real socket', () => {
  const app = Fastify({ logger: false, clientErrorHandler });
  app.get('/', async () => ({ ok: true }));
  let port = 0;
  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  /**
   * Sends a header far over Node's 16 KiB limit, 2 KiB at a time, without reading (as a client busy
   * writing its request does), then reads whatever the server sent and how the connection ended.
   */
  async function sendLongHeaderSlowly(totalBytes: number): Promise<{ received: string; ending: string }> {
    const socket: Socket = connect(port, '127.0.0.1');
    socket.pause();
    const chunks: Buffer[] = [];
    let ending = 'open';
    const ended = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => (ending = 'end'));
      socket.on('error', (error: NodeJS.ErrnoException) => (ending = error.code ?? 'error'));
      socket.on('close', () => resolve());
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ');
    for (let sent = 0; sent < totalBytes && !socket.destroyed; sent += 2_048) {
      socket.write('a'.repeat(2_048));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Done sending: only now does the client read (a reset before this point would discard the answer).
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.resume();
    if (!socket.destroyed) socket.end();
    await ended;
    return { received: Buffer.concat(chunks).toString('utf8'), ending };
  }

  it('a client still sending a too-long header slowly receives the whole 431 with its INPUT_INVALID body', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { received, ending } = await sendLongHeaderSlowly(96 * 1_024);
      expect({ ending, statusLine: received.split('\r\n')[0] }).toEqual({
        ending: 'end',
        statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      });
      const body = received.slice(received.indexOf('\r\n\r\n') + 4);
      expect(ErrorBody.parse(JSON.parse(body)).error.code).toBe('INPUT_INVALID');
    }
  });

  it('a refused client that neither sends nor closes is cut off after the linger, so it cannot hold a socket', async () => {
    const serverSide = new Promise<Socket>((resolve) => app.server.once('connection', resolve));
    // allowHalfOpen: the server's end (FIN) does not make this client end its side too.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const serverSocket = await serverSide;
    const closedAt = new Promise<number>((resolve) => serverSocket.once('close', () => resolve(Date.now())));
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ${'a'.repeat(32 * 1_024)}`);
    const sent = Date.now();
    const lingered = (await closedAt) - sent;
    socket.destroy();
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(lingered).toBeGreaterThanOrEqual(REFUSAL_LINGER_MS - 500);
    expect(lingered).toBeLessThan(REFUSAL_LINGER_MS + 5_000);
  }, 20_000);

  it('still serves an ordinary request afterwards', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    expect(await answer.json()).toEqual({ ok: true });
  });
});
