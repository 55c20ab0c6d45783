/**
 * Test support for the center client's unit tests (imported by tests only): a throwaway TLS world
 * made with openssl (a CA, a server certificate for 127.0.0.1, a kiosk client certificate) and
 * scripted "centers" over mutual TLS that record every request and answer as a test tells them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestTls {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA with a server certificate for IP 127.0.0.1 and a client certificate, both signed by it. */
export function makeTestTls(label: string): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-center-client-tls-'));
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'];
    openssl(['req', '-x509', ...newKey, '-days', '2', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', `/CN=${label} test CA`, ...caExt]);
    const leaves = [
      ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', '0x10'],
      ['client', 'extendedKeyUsage=clientAuth\n', '0x11'],
    ] as const;
    for (const [name, ext, serial] of leaves) {
      writeFileSync(join(dir, `${name}.ext`), ext);
      openssl(['req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${label} ${name}`]);
      const signing = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial, '-days', '2'];
      openssl(['x509', '-req', '-in', `${name}.csr`, ...signing, '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    }
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    return {
      ca: read('ca.pem'),
      serverCert: read('server.pem'),
      serverKey: read('server.key'),
      clientCert: read('client.pem'),
      clientKey: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SeenRequest {
  method: string;
  path: string;
  body: unknown;
}

/** What a scripted center does with a request: answer it, or never answer (a hung center). */
export type ScriptedAnswer = { status: number; json: unknown } | 'hang';

export interface ScriptedCenter {
  url: string;
  requests: SeenRequest[];
  /** Replaces how the center answers from now on. */
  script(respond: (request: SeenRequest) => ScriptedAnswer): void;
  close(): Promise<void>;
}

/** An HTTPS center with mutual TLS (the kiosk's client certificate required) answering from a script. */
export async function startScriptedCenter(tls: TestTls, respond: (request: SeenRequest) => ScriptedAnswer): Promise<ScriptedCenter> {
  const requests: SeenRequest[] = [];
  let current = respond;
  const server = https.createServer(
    { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const seen = { method: req.method ?? '', path: req.url ?? '', body: text ? (JSON.parse(text) as unknown) : undefined };
        requests.push(seen);
        const answer = current(seen);
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    script(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused. */
export async function refusingUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

/** A "center" that accepts connections and never says a word (TLS never completes): a hung network path. */
export async function silentCenter(): Promise<{ url: string; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
