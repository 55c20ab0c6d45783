/**
 * The kiosk guard reads the client certificate's fingerprint once per TLS connection
 * (apps/center/src/kiosks/mtls.ts), which holds only because the center refuses renegotiation: on
 * TLS 1.2 a client could otherwise present another certificate on a connection already open. The
 * kiosk behind the certificate is still read from the database at every request.
 */
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '@madoguchi/center';
import { kioskPath } from '@madoguchi/shared';
import { startCenter, type CenterHarness, type TestKiosk } from './support/center-harness.js';

describe('kiosk TLS connections', () => {
  let center: CenterHarness;
  let kiosk: TestKiosk;
  beforeAll(async () => {
    const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
    center = await startCenter(database, { build: { sweeper: false } });
    kiosk = await center.enrollKiosk();
  });
  afterAll(async () => {
    kiosk?.close();
    await center?.close();
  });

  const open = (): Promise<TLSSocket> =>
    new Promise((resolve, reject) => {
      const { port } = new URL(center.baseUrl);
      const socket = connect({
        host: '127.0.0.1',
        port: Number(port),
        ca: center.caPem,
        key: kiosk.keyPem,
        cert: kiosk.certPem,
        // Renegotiation exists up to TLS 1.2 only.
        maxVersion: 'TLSv1.2',
      });
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });

  it('refuses a kiosk connection’s renegotiation: the certificate it started with is the one it keeps', async () => {
    const socket = await open();
    socket.on('error', () => undefined);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('close', () => resolve('closed by the center'));
      socket.renegotiate({ rejectUnauthorized: true }, (error) => {
        resolve(error ? 'refused' : 'renegotiated');
      });
    });
    socket.destroy();
    expect(outcome).not.toBe('renegotiated');
  });

  it('serves requests on a TLS 1.2 connection that does not renegotiate', async () => {
    const socket = await open();
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('publicKeyPem')) resolve(text);
      });
      socket.once('error', reject);
      socket.write(`GET ${kioskPath('bindingKey')} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    });
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });
});
