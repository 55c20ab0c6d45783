/**
 * The PIN never crosses the bridge, a log or the network (issue 3, acceptance 3), proven on one full
 * authentication with everything the kiosk's main process would carry recorded at once:
 * - the bridge, both directions, on the wire: the browser-host bridge server (the same views and
 *   intents Electron IPC carries) with this test as the renderer: every server-sent view frame out,
 *   every intent body in;
 * - the kiosk's logs: the real pino logger (createLog), fed by the session and the card service,
 *   plus anything written to the console;
 * - every kiosk→center request (method, path, headers, body) as received by a mutual-TLS HTTPS
 *   server, through the real center client.
 * The session is composed as kiosk-main.ts composes it, with the in-process virtual reader and the
 * real virtual card applet. Only the center is a stand-in (it checks the signature and answers the
 * schema); demo mode is not used because its card picker labels deliberately show each demo card's
 * PIN.
 *
 * By design, the renderer receives the shuffled keypad labels and answers with key positions: the
 * two together determine the digits, so a compromised renderer that records both could reconstruct
 * the PIN. That is the accepted design (the renderer has to draw the pad; shuffling keeps the digits
 * out of the intents, and off a smudge-readable fixed layout), not what this test looks for: it
 * checks that the PIN itself, in any plain encoding, is carried nowhere.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualJpkiCard, createTestPki, issueCardCertificate } from '@madoguchi/card-sim';
import { API_PREFIX, type KioskView } from '@madoguchi/shared';
import { startBridgeServer, type BridgeServer } from '../../browser-host/bridge-server.js';
import { createCardService } from '../card/card-service.js';
import { createVirtualReader } from '../card/virtual-reader.js';
import { createCenterClient } from '../center/center-client.js';
import { createLog } from '../log.js';
import { SpoolPrinter } from '../printer/spool-printer.js';
import { KioskSession } from './kiosk-session.js';
import type { SessionLog } from './ports.js';

// The kiosk's idempotency keys are random UUIDs; numbered ones here, so no hex run in a request
// body can spell the PIN's digits by chance.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  let issued = 0;
  return { ...actual, randomUUID: () => `00000000-0000-4000-8000-${String(++issued).padStart(12, '0')}` };
});

const dir = mkdtempSync(join(tmpdir(), 'pin-secrecy-'));
// Fixed, so nothing random (ids, challenge, hence the deterministic RSA PKCS#1 v1.5 signature) and
// no clock reading (pino timestamps) can contain the PIN's digits by chance.
const FROZEN_NOW = new Date('2026-12-01T10:00:00.000Z');
const CHALLENGE = Buffer.alloc(32, 0x5a);
const CHALLENGE_ID = '00000000-0000-4000-8000-000000000001';
const SESSION_ID = '00000000-0000-4000-8000-000000000002';
/** Candidates, each a string nothing else in this test is made of; the first one free is used. */
const PIN_CANDIDATES = ['9573', '8264', '7315', '6048'];

interface CenterRequest {
  method: string;
  path: string;
  headers: string;
  body: string;
}

let centerServer: https.Server;
let centerUrl: string;
const centerRequests: CenterRequest[] = [];
let tls: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
let cardCertificateDer: Uint8Array;
const cardKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a kiosk client certificate. */
function makeTls(): typeof tls {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=pin-secrecy test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=pin-secrecy ${name}`]);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      name === 'server' ? '0x10' : '0x11',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  }
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    ca: read('ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
  };
}

/** The center's two authentication calls; it accepts only a signature over its challenge. */
function startCenter(): Promise<void> {
  centerServer = https.createServer(
    { key: tls.serverKey, cert: tls.serverCert, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        centerRequests.push({ method: req.method ?? '', path: req.url ?? '', headers: JSON.stringify(req.headers), body });
        const answer = (status: number, json: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        const expiresAt = new Date(FROZEN_NOW.getTime() + 60_000).toISOString();
        if (req.method === 'POST' && req.url === `${API_PREFIX}/challenges`)
          return answer(200, { challengeId: CHALLENGE_ID, challenge: CHALLENGE.toString('base64'), expiresAt });
        if (req.method === 'POST' && req.url === `${API_PREFIX}/sessions`) {
          const request = JSON.parse(body) as { challengeId: string; authCertificate: string; signature: string };
          const publicKey = new X509Certificate(Buffer.from(request.authCertificate, 'base64')).publicKey;
          if (request.challengeId !== CHALLENGE_ID || !verify('sha256', CHALLENGE, publicKey, Buffer.from(request.signature, 'base64'))) {
            return answer(401, { error: { code: 'AUTH_SIGNATURE_INVALID', message: 'signature' } });
          }
          return answer(200, {
            sessionId: SESSION_ID,
            expiresAt,
            municipalityName: 'テスト市',
            householdMembers: [],
            menu: [{ certificateType: 'residenceRecord', available: true, feeYen: 300, maxCopies: 10 }],
          });
        }
        return answer(404, { error: { code: 'NOT_FOUND', message: 'not here' } });
      });
    },
  );
  return new Promise((resolve) => {
    centerServer.listen(0, '127.0.0.1', () => {
      centerUrl = `https://127.0.0.1:${(centerServer.address() as AddressInfo).port}`;
      resolve();
    });
  });
}

beforeAll(async () => {
  tls = makeTls();
  const pki = await createTestPki(join(dir, 'pki'));
  cardCertificateDer = (
    await issueCardCertificate(pki, {
      notAfter: new Date('2031-01-01T00:00:00Z'),
      keyPair: { privateKey: cardKey.privateKey, publicKey: createPublicKey(cardKey.privateKey) },
    })
  ).certificateDer;
  await startCenter();
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => centerServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Every plain way the PIN could be carried: text, its ASCII as hex and base64, its bytes as a list. */
function encodingsOf(pin: string): string[] {
  const ascii = Buffer.from(pin, 'ascii');
  return [
    pin,
    ascii.toString('hex'),
    ascii.toString('hex').toUpperCase(),
    ascii.toString('base64').replace(/=+$/, ''),
    [...ascii].join(','),
    [...ascii].join(', '),
  ];
}

/** The test as the renderer: reads the server-sent view stream, posts intents; both recorded raw. */
async function connectRenderer(bridge: BridgeServer) {
  const origin = new URL(bridge.url).origin;
  const controller = new AbortController();
  const response = await fetch(`${origin}/bridge/events?token=${bridge.token}`, { signal: controller.signal });
  const stream = response.body!.getReader();
  const decoder = new TextDecoder();
  let wire = ''; // every byte of the view stream, as the renderer received it
  let latest: KioskView | undefined;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await stream.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      wire += decoder.decode(value, { stream: true });
      const frames = wire.split('\n\n').filter((f) => f.includes('data: '));
      const last = frames.at(-1);
      if (last) latest = JSON.parse(last.slice(last.indexOf('data: ') + 'data: '.length)) as KioskView;
    }
  })();
  const intents: string[] = []; // every intent body, as the renderer sent it
  return {
    intents,
    viewWire: () => wire,
    async send(intent: unknown) {
      const body = JSON.stringify(intent);
      intents.push(body);
      const res = await fetch(`${origin}/bridge/intent`, {
        method: 'POST',
        headers: { 'x-kiosk-token': bridge.token, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(204);
    },
    async waitForScreen(screen: KioskView['screen']): Promise<KioskView> {
      for (let i = 0; i < 1000 && latest?.screen !== screen; i++) await new Promise((r) => setTimeout(r, 10));
      expect(latest?.screen, `waiting for ${screen}`).toBe(screen);
      return latest!;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe('the PIN stays in the main process', () => {
  it('appears in no bridge traffic (views out, intents in), no log line and no center request during a full authentication', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(FROZEN_NOW);
    const consoleLines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' '))),
    );
    let bridge: BridgeServer | undefined;
    let renderer: Awaited<ReturnType<typeof connectRenderer>> | undefined;
    let session: KioskSession | undefined;
    let center: ReturnType<typeof createCenterClient> | undefined;
    try {
      // Kiosk logs exactly as the product writes them: JSON lines through pino with its redaction.
      let logText = '';
      const { log } = createLog(
        new Writable({ write: (chunk: Buffer, _encoding, done) => void ((logText += chunk.toString('utf8')), done()) }),
      );
      const recordLog: SessionLog = log;

      center = createCenterClient({ baseUrl: centerUrl, cert: tls.clientCert, key: tls.clientKey, ca: tls.ca });
      const reader = createVirtualReader();
      // kiosk-main.ts passes the card service's fields through a scrub to the same log; here every
      // field goes through unscrubbed, so the recording holds at least what the kiosk would log.
      const card = createCardService({
        transport: reader.transport,
        log: (event, fields) => recordLog(event, fields as Parameters<SessionLog>[1]),
      });
      session = new KioskSession({
        card,
        center,
        printer: new SpoolPrinter(join(dir, 'spool')),
        centerPublicKey: async () => createPublicKey(cardKey.publicKey),
        log: recordLog,
      });
      bridge = await startBridgeServer({ target: session, rendererDir: dir });

      // The PIN: one whose digits nothing else recorded here is made of (ports, pid, the fixed
      // clock, the certificate, the deterministic signature), so a hit can only be a leak.
      const signature = sign('sha256', CHALLENGE, cardKey.privateKey);
      const opaque = [
        process.pid,
        new URL(centerUrl).port,
        new URL(bridge.url).port,
        FROZEN_NOW.getTime(),
        FROZEN_NOW.toISOString(),
        Buffer.from(cardCertificateDer).toString('base64'),
        Buffer.from(cardCertificateDer).toString('hex'),
        signature.toString('base64'),
        CHALLENGE.toString('base64'),
      ].join(' ');
      const pin = PIN_CANDIDATES.find((candidate) => encodingsOf(candidate).every((form) => !opaque.includes(form)));
      if (!pin) throw new Error('no PIN candidate is free of coincidences');

      renderer = await connectRenderer(bridge);
      await renderer.send({ type: 'start' });
      await renderer.waitForScreen('placeCard');
      reader.insert(
        new VirtualJpkiCard({
          authCertificateDer: cardCertificateDer,
          authPrivateKey: cardKey.privateKey,
          authPin: pin,
          certificateFiller: 64,
        }),
      );
      const pinScreen = await renderer.waitForScreen('pin');
      expect(pinScreen.pinTriesLeft).toBe(3);
      // The renderer knows only the shuffled labels; it answers with positions.
      for (const digit of pin) await renderer.send({ type: 'pinKey', position: pinScreen.keypad!.indexOf(digit) });
      await renderer.send({ type: 'pinSubmit' });
      const menu = await renderer.waitForScreen('menu');
      expect(menu.municipalityName).toBe('テスト市');
      await renderer.send({ type: 'cancel' });
      await renderer.waitForScreen('idle');
      await session.idle();

      // The authentication really happened, over the network, with the card's signature.
      expect(centerRequests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${API_PREFIX}/challenges`, `POST ${API_PREFIX}/sessions`]);
      expect(centerRequests[1]!.body).toContain(signature.toString('base64'));
      expect(centerRequests.every((r) => /"idempotencyKey":"00000000-0000-4000-8000-0000000000\d\d"/.test(r.body))).toBe(true);
      expect(renderer.intents.filter((i) => i.includes('pinKey'))).toHaveLength(4);
      expect(logText).toContain('resident authenticated');
      expect(logText).toContain('card.authenticate');

      const recorded = {
        'views (main → renderer)': renderer.viewWire(),
        'intents (renderer → main)': renderer.intents.join('\n'),
        'kiosk log': logText,
        console: consoleLines.join('\n'),
        'kiosk → center requests': centerRequests.map((r) => `${r.method} ${r.path}\n${r.headers}\n${r.body}`).join('\n'),
      };
      expect(recorded['views (main → renderer)']).toContain('"screen":"pin"');
      for (const [channel, text] of Object.entries(recorded)) {
        for (const form of encodingsOf(pin)) expect(text.includes(form), `${channel} carries the PIN as "${form}"`).toBe(false);
      }
    } finally {
      await renderer?.close();
      await bridge?.close();
      session?.close();
      center?.close();
      for (const spy of spies) spy.mockRestore();
      vi.useRealTimers();
    }
  });
});
