/**
 * A real center for integration tests: its own state directory (kiosk CA, server certificate,
 * keys), the test card PKI (NOT J-LIS) from @madoguchi/card-sim, the demo municipal data imported
 * through the real import path, the real renderer, listening on 127.0.0.1 over HTTPS with mutual
 * TLS. Kiosks are enrolled through the real enrollment code and talk over real TLS connections.
 *
 * The center's clock is a test clock fixed on a weekday at noon in Japan (inside service hours),
 * so the suite gives the same answers whatever the time of day it runs.
 */
import { createHash, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, issueCardCertificate, type CaGeneration, type TestPki } from '@madoguchi/card-sim';
import { generateDemoData, type DemoData } from '@madoguchi/shared/demo-data';
import {
  kioskApi,
  kioskPath,
  type ChallengeResponse,
  type ErrorBody,
  type KioskRouteName,
  type QuoteResponse,
  type RouteBody,
  type RouteParams,
  type RouteResponse,
} from '@madoguchi/shared';
import {
  buildApp,
  defaultTimeouts,
  ensureCenterState,
  createDefaultServices,
  createKioskKeyAndCsr,
  ensureKioskCa,
  enrollKiosk,
  type BuildOptions,
  type CenterConfig,
  type CenterState,
  type CenterTimeouts,
  type CenterDatabase,
  type CenterServices,
  type Enrollment,
} from '@madoguchi/center';
import { createPolicyStore } from '@madoguchi/center/policy';
import { createMunicipalStore } from '@madoguchi/center/residents';

/** Tuesday 2026-11-24 12:00 in Japan. */
export const TEST_NOW = new Date('2026-11-24T03:00:00Z');

export class TestClock {
  constructor(private current: Date = TEST_NOW) {}
  now = (): Date => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

/**
 * A kiosk route's answer: on 2xx the route's response (the center's serializer has checked it
 * against the schema), otherwise the center's error body — `ok` tells which.
 */
export type RouteResult<N extends KioskRouteName> =
  { ok: true; status: number; body: RouteResponse<N> } | { ok: false; status: number; body: ErrorBody };

/** What a call to route N sends: its path parameters and body, typed from the route table. */
export type RouteInput<N extends KioskRouteName> = (RouteParams<N> extends undefined
  ? { params?: undefined }
  : { params: RouteParams<N> }) &
  (RouteBody<N> extends undefined ? { body?: undefined } : { body: RouteBody<N> });

export interface TestKiosk {
  terminalId: string;
  enrollment: Enrollment;
  keyPem: string;
  certPem: string;
  /** Calls the route table's route `name` over this kiosk's mutual-TLS connection. */
  call<N extends KioskRouteName>(name: N, input: RouteInput<N>): Promise<RouteResult<N>>;
  /**
   * Any request on this kiosk's connection, for what `call` cannot send: malformed bodies, unknown
   * paths. Kiosk paths come from the table (`kioskPath`).
   */
  raw<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResult<T>>;
  close(): void;
}

/** The answer's body on success; a refusal fails the test with its code. */
export function ok<N extends KioskRouteName>(result: RouteResult<N>): RouteResponse<N> {
  if (!result.ok) throw new Error(`expected success, got ${result.status} ${result.body.error?.code ?? JSON.stringify(result.body)}`);
  return result.body;
}

/** The refusal's status and code (undefined code on success), for `toEqual` against the expected refusal. */
export function refusalOf(result: RouteResult<KioskRouteName> | HttpResult<unknown>): { status: number; code: string | undefined } {
  const body = result.body as Partial<ErrorBody> | null;
  return { status: result.status, code: result.status >= 400 ? body?.error?.code : undefined };
}

/** An enrolled kiosk's own connection to the center at `baseUrl` (another center process, for one). */
export function kioskAt(
  kiosk: Pick<TestKiosk, 'terminalId' | 'enrollment' | 'keyPem' | 'certPem'>,
  baseUrl: string,
  caPem: string,
): TestKiosk {
  const { terminalId, enrollment, keyPem, certPem } = kiosk;
  return kioskOn({ terminalId, enrollment, keyPem, certPem }, httpsClient(baseUrl, caPem, { keyPem, certPem }));
}

/** A kiosk on a connection: its route calls built on `raw`. */
function kioskOn(fields: Omit<TestKiosk, 'call' | 'raw' | 'close'>, client: { request: TestKiosk['raw']; close(): void }): TestKiosk {
  return {
    ...fields,
    raw: client.request,
    close: client.close,
    async call(name, input) {
      const path = (kioskPath as (route: KioskRouteName, params?: Record<string, string>) => string)(
        name,
        input.params as Record<string, string> | undefined,
      );
      const res = await client.request<never>(kioskApi[name].method, path, input.body);
      return (res.status >= 200 && res.status < 300 ? { ok: true, ...res } : { ok: false, ...res }) as RouteResult<typeof name>;
    },
  };
}

export interface TestCard {
  residentId: string;
  certificateDer: Uint8Array;
  privateKey: KeyObject;
  serialNumber: string;
  sha256: string;
}

/** Any client: with or without a client certificate, trusting the kiosk CA for the server. */
export function httpsClient(
  baseUrl: string,
  caPem: string,
  clientCert?: { keyPem: string; certPem: string },
  extraHeaders: Record<string, string> = {},
) {
  const agent = new Agent({
    keepAlive: true,
    ca: caPem,
    ...(clientCert ? { key: clientCert.keyPem, cert: clientCert.certPem } : {}),
    maxSockets: 8,
  });
  const request = <T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResult<T>> =>
    new Promise((resolve, reject) => {
      const payload = method === 'POST' ? Buffer.from(JSON.stringify(body ?? {})) : undefined;
      const req = httpsRequest(
        `${baseUrl}${path}`,
        {
          method,
          agent,
          headers: { ...extraHeaders, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text.length ? JSON.parse(text) : null;
            } catch {
              // not JSON: leave the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

export interface CenterHarness {
  app: Awaited<ReturnType<typeof buildApp>>;
  database: CenterDatabase;
  baseUrl: string;
  state: CenterState;
  config: CenterConfig;
  pki: TestPki;
  demo: DemoData;
  clock: TestClock;
  caPem: string;
  enrollKiosk(
    terminalId?: string,
    store?: { storeCode?: string; storeName?: string; printerId?: string; chainCode?: string },
  ): Promise<TestKiosk>;
  issueCard(
    residentId: string,
    options?: { generation?: CaGeneration; notBefore?: Date; notAfter?: Date; link?: boolean },
  ): Promise<TestCard>;
  /**
   * A second center process on another handle of the same database (PostgreSQL: a second pool),
   * with the same keys and trust; `at(kiosk)` gives that kiosk a client for it.
   */
  startReplica(database: CenterDatabase): Promise<{ baseUrl: string; at(kiosk: TestKiosk): TestKiosk; close(): Promise<void> }>;
  /** Challenge → card signature → session, as a kiosk does it. */
  authenticate(kiosk: TestKiosk, card: TestCard): Promise<RouteResult<'authenticate'>>;
  /** A quote for the session: by default one 住民票の写し with no options, under a fresh key. */
  quote(kiosk: TestKiosk, sessionId: string, request?: Partial<RouteBody<'quote'>>): Promise<RouteResult<'quote'>>;
  /** Pays a quote its total (or `paidYen`) under a fresh key (or `idempotencyKey`). */
  pay(
    kiosk: TestKiosk,
    quote: Pick<QuoteResponse, 'issuanceId' | 'totalYen'>,
    request?: Partial<RouteBody<'pay'>>,
  ): Promise<RouteResult<'pay'>>;
  /** Reports one copy's print result (printed unless `outcome` says otherwise) under a fresh key. */
  reportPrint(
    kiosk: TestKiosk,
    issuanceId: string,
    request: Pick<RouteBody<'printResult'>, 'issueNumber'> & Partial<RouteBody<'printResult'>>,
  ): Promise<RouteResult<'printResult'>>;
  /** Cancels an issuance under a fresh key. */
  cancel(kiosk: TestKiosk, issuanceId: string, request?: Partial<RouteBody<'cancel'>>): Promise<RouteResult<'cancel'>>;
  /** The public key of the binding key, as a kiosk fetches it. */
  bindingKeyPem(kiosk: TestKiosk): Promise<string>;
  close(): Promise<void>;
}

let kioskCounter = 0;

export interface StartOptions {
  timeouts?: Partial<CenterTimeouts>;
  build?: Omit<BuildOptions, 'database' | 'now' | 'services'>;
  /** Wrap the production services (e.g. slow down some renders) before the app uses them. */
  wrapServices?: (services: CenterServices) => CenterServices;
  /** Render worker threads (default 1). */
  renderWorkers?: number;
  /** Enables the import API under /admin with this bearer token. */
  adminToken?: string;
  /** The CRL files the center reads (default: the test PKI's crls.pem). */
  crlPaths?: (pki: TestPki) => string[];
}

export async function startCenter(database: CenterDatabase, options: StartOptions = {}): Promise<CenterHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-center-'));
  const state = ensureCenterState(join(dir, 'state'));
  const pki = await createTestPki(join(dir, 'pki'));
  const demo = generateDemoData();
  const store = createMunicipalStore(database);
  const policies = createPolicyStore(database);
  await store.importBatch(demo.batch);
  for (const policy of demo.policies) await policies.putPolicy(policy);
  await policies.putHolidays(demo.holidays);

  const clock = new TestClock();
  const caPem = readFileSync(state.kioskCaCertPath, 'utf8');
  const config: CenterConfig = {
    database: { kind: 'sqlite', path: ':unused:' },
    host: '127.0.0.1',
    port: 0,
    tls: {
      keyPem: readFileSync(state.serverKeyPath, 'utf8'),
      certPem: readFileSync(state.serverCertPath, 'utf8'),
      kioskCaPem: caPem,
      kioskCaDir: state.kioskCaDir,
    },
    cardTrust: { trustAnchorsPem: readFileSync(pki.paths.trustedCasPem, 'utf8'), crlPaths: options.crlPaths?.(pki) ?? [pki.paths.crlsPem] },
    bindingKey: { privateKeyPem: readFileSync(state.bindingKeyPath, 'utf8'), keyId: 'binding-test' },
    verificationKey: { privateKeyPem: readFileSync(state.verificationKeyPath, 'utf8'), keyId: 'verification-test' },
    timeouts: { ...defaultTimeouts, crlRefreshMs: 200, ...options.timeouts },
    renderWorkers: options.renderWorkers ?? 1,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    logLevel: (process.env.MADOGUCHI_TEST_LOG_LEVEL as CenterConfig['logLevel'] | undefined) ?? 'silent',
  };
  const services = options.wrapServices ? options.wrapServices(createDefaultServices(database, config)) : undefined;
  const app = await buildApp(config, {
    // Codes are computed on the test clock, so the center checks them on it (unless a test says otherwise).
    codeClock: clock.now,
    ...options.build,
    database,
    now: clock.now,
    ...(services ? { services } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const baseUrl = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const ca = ensureKioskCa(state.kioskCaDir);
  const kiosks: TestKiosk[] = [];

  const harness: CenterHarness = {
    app,
    database,
    baseUrl,
    state,
    config,
    pki,
    demo,
    clock,
    caPem,
    async enrollKiosk(terminalId = `T${String(++kioskCounter).padStart(4, '0')}`, store = {}) {
      const made = createKioskKeyAndCsr(join(dir, 'kiosks'), terminalId);
      const enrollment = await enrollKiosk(database, ca, {
        csrPem: made.csrPem,
        terminalId,
        printerId: store.printerId ?? 'P01',
        storeCode: store.storeCode ?? `S-${terminalId}`,
        storeName: store.storeName ?? 'テスト店',
        ...(store.chainCode ? { chainCode: store.chainCode } : {}),
      });
      const keyPem = readFileSync(made.keyPath, 'utf8');
      const kiosk = kioskAt({ terminalId, enrollment, keyPem, certPem: enrollment.certificatePem }, baseUrl, caPem);
      kiosks.push(kiosk);
      return kiosk;
    },
    async issueCard(residentId, cardOptions = {}) {
      const issued = await issueCardCertificate(pki, {
        generation: cardOptions.generation,
        notBefore: cardOptions.notBefore ?? new Date('2026-01-05T00:00:00Z'),
        notAfter: cardOptions.notAfter ?? new Date('2031-01-05T00:00:00Z'),
      });
      if (cardOptions.link !== false) {
        await store.importBatch({
          cardLinks: [{ residentId, issuer: pki.issuer, serialNumber: issued.serialNumber, usableFrom: '2026-01-06' }],
        });
      }
      return {
        residentId,
        certificateDer: issued.certificateDer,
        privateKey: issued.privateKey,
        serialNumber: issued.serialNumber,
        sha256: createHash('sha256').update(issued.certificateDer).digest('hex'),
      };
    },
    async startReplica(other) {
      const replicaServices = options.wrapServices ? options.wrapServices(createDefaultServices(other, config)) : undefined;
      const replica = await buildApp(config, {
        ...options.build,
        database: other,
        codeClock: clock.now,
        now: clock.now,
        ...(replicaServices ? { services: replicaServices } : {}),
      });
      await replica.listen({ host: '127.0.0.1', port: 0 });
      const addr = replica.server.address();
      const replicaUrl = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const clients: TestKiosk[] = [];
      return {
        baseUrl: replicaUrl,
        at(kiosk) {
          const client = kioskAt(kiosk, replicaUrl, caPem);
          clients.push(client);
          return client;
        },
        async close() {
          for (const c of clients) c.close();
          await replica.close();
        },
      };
    },
    async authenticate(kiosk, card) {
      const challenge = await kiosk.call('challenge', { body: challengeRequest() });
      if (!challenge.ok) return challenge;
      return kiosk.call('authenticate', { body: signedAuthentication(challenge.body, card) });
    },
    quote: (kiosk, sessionId, request = {}) =>
      kiosk.call('quote', {
        body: { idempotencyKey: newKey(), sessionId, certificateType: 'residenceRecord', options: {}, copies: 1, ...request },
      }),
    pay: (kiosk, quote, request = {}) =>
      kiosk.call('pay', {
        params: { issuanceId: quote.issuanceId },
        body: { idempotencyKey: newKey(), paidYen: quote.totalYen, ...request },
      }),
    reportPrint: (kiosk, issuanceId, request) =>
      kiosk.call('printResult', { params: { issuanceId }, body: { idempotencyKey: newKey(), outcome: 'printed', ...request } }),
    cancel: (kiosk, issuanceId, request = {}) =>
      kiosk.call('cancel', { params: { issuanceId }, body: { idempotencyKey: newKey(), ...request } }),
    async bindingKeyPem(kiosk) {
      return ok(await kiosk.call('bindingKey', {})).publicKeyPem;
    },
    async close() {
      for (const k of kiosks) k.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const newKey = (): string => randomUUID();

/** The body of POST /challenges: a fresh idempotency key (the only field). */
export const challengeRequest = (idempotencyKey: string = newKey()): { idempotencyKey: string } => ({ idempotencyKey });

/**
 * The body of POST /sessions: the card signs DigestInfo(SHA-256(challenge)) with PKCS#1 v1.5. It
 * carries a fresh idempotency key, as every kiosk call must; a test that retries the same call
 * sends the same body, one that makes a second call overrides the key.
 */
export function signedAuthentication(
  challenge: ChallengeResponse,
  card: Pick<TestCard, 'certificateDer' | 'privateKey'>,
  signer: KeyObject = card.privateKey,
) {
  return {
    idempotencyKey: newKey(),
    challengeId: challenge.challengeId,
    authCertificate: Buffer.from(card.certificateDer).toString('base64'),
    signature: sign('sha256', Buffer.from(challenge.challenge, 'base64'), signer).toString('base64'),
    tokenType: 'card' as const,
  };
}
