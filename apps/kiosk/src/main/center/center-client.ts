/**
 * The kiosk's client for the center's API v1, built on its route table (packages/shared/src/api/
 * kiosk-routes.ts): each call names a route, whose path, method and schemas come from the table;
 * every request body is typed as its schema's input (`z.input`) and checked against it before it
 * leaves, so a drift between kiosk and center fails the build or, at the latest, the call — never
 * the center's validation of a half-understood request; every answer is validated before the
 * kiosk acts on it.
 * The kiosk proves who it is with its mutual-TLS client certificate. Every POST carries an
 * idempotency key, one per logical call, and is retried with the SAME key on network failures
 * (refused, reset, TLS failure, timeout) and 5xx, so a retry returns the first result: the same
 * challenge, the same session (never AUTH_CHALLENGE_REPLAYED for a challenge its own first attempt
 * consumed), never a second issuance. With several centers (`baseUrls`, sharing one database) a
 * retry goes to the next center: the order of tries and the way back to the primary are in
 * center-failover.ts. A 4xx is never retried anywhere: it is the center's decision.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import {
  MadoguchiError,
  ReceivedErrorBody,
  isErrorCode,
  kioskApi,
  kioskPath,
  type KioskRouteName,
  type KioskRouteSpec,
  type RouteBody,
  type RouteParams,
  type RouteResponse,
} from '@madoguchi/shared';
import { CenterFailover } from './center-failover.js';

export interface CenterClientOptions {
  /** The one center of a kiosk that knows one, e.g. https://127.0.0.1:8443. Or `baseUrls`, not both. */
  baseUrl?: string;
  /** The centers, primary first; they must share one database (the idempotency keys live there). */
  baseUrls?: readonly string[];
  /** PEM: the kiosk's client certificate and key, and the CA that signed the center's server certificate. */
  cert: string;
  key: string;
  ca: string;
  timeoutMs?: number;
  retries?: number;
  /** How often the primary is probed while the calls go to another center (default 30 s). */
  primaryProbeIntervalMs?: number;
  /** Where a change of center is told (center URLs only). */
  log?: (event: string, fields?: Record<string, string>) => void;
}

/** A primary that does not answer its probe within this is not back. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * The kiosk's side of the keep-alive agreement with the center (docs/benchmarks.md#keep-alive): an
 * idle socket is dropped before the center closes it, so a call never goes out on a socket the
 * center is closing (ECONNRESET). The center announces its timeout (`Keep-Alive: timeout=N`);
 * Node 20's agent keeps an idle socket for N − 1 s, but only when it has a timeout of its own — with
 * none it ignores the hint and keeps idle sockets until the center closes them. This is that bound,
 * for a center that announces nothing; it is above the heartbeat's minute, so a kiosk's connection
 * stays open between customers where the center allows it. Each call sets its own timeout
 * (`send`), so this never cuts a call short.
 */
const IDLE_SOCKET_MS = 70_000;

export type CenterClient = ReturnType<typeof createCenterClient>;

export function createCenterClient(options: CenterClientOptions) {
  const agent = new https.Agent({
    cert: options.cert,
    key: options.key,
    ca: options.ca,
    keepAlive: true,
    maxSockets: 4,
    timeout: IDLE_SOCKET_MS,
  });
  const failover = new CenterFailover({
    centers: centerUrlsOf(options),
    probeIntervalMs: options.primaryProbeIntervalMs ?? 30_000,
    probePrimary: (primary) => probe(agent, primary),
    onSwitch: (from, to) => options.log?.('center switched', { from, to }),
  });
  const attempts: Attempts = { agent, failover, retries: options.retries ?? 2, timeoutMs: options.timeoutMs ?? 15_000 };

  /**
   * Calls the table's route `name`, its body checked against the route's schema first. The input is
   * what is sent, not the parsed output: the wire format is the schema's input side (YenSchema's
   * brand, for one, is a one-way transform), and the center parses it with the same schema.
   */
  async function route<N extends KioskRouteName>(
    name: N,
    input: { path: string; body?: RouteBody<N> },
    timeoutMs?: number,
    deadlineAt?: number,
  ): Promise<RouteResponse<N>> {
    const spec: KioskRouteSpec = kioskApi[name];
    if (spec.body) {
      const checked = spec.body.safeParse(input.body);
      if (!checked.success) {
        // Paths only: a body can hold a card certificate, never worth repeating in a log.
        throw new MadoguchiError(
          'INPUT_INVALID',
          `request to ${input.path} does not match its schema: ${checked.error.issues.map((i) => i.path.join('.')).join(', ')}`,
        );
      }
    }
    const called = callCenters(
      attempts,
      { method: spec.method, path: input.path, body: input.body, schema: spec.response },
      timeoutMs,
      deadlineAt,
    );
    return called as Promise<RouteResponse<N>>;
  }

  // Each method draws its idempotency key once (or takes the caller's), before `callCenters` retries.
  type WithoutKey<T> = Omit<T, 'idempotencyKey'>;
  const atIssuance = (issuanceId: string): RouteParams<'pay'> => ({ issuanceId });
  return {
    challenge: (idempotencyKey: string = randomUUID()) => route('challenge', { path: kioskPath('challenge'), body: { idempotencyKey } }),
    authenticate: (request: WithoutKey<RouteBody<'authenticate'>>, idempotencyKey: string = randomUUID()) =>
      route('authenticate', { path: kioskPath('authenticate'), body: { ...request, idempotencyKey } }),
    applyDomicileRegistration: (sessionId: string, idempotencyKey: string = randomUUID()) =>
      route('applyDomicileRegistration', { path: kioskPath('applyDomicileRegistration'), body: { idempotencyKey, sessionId } }),
    quote: (request: WithoutKey<RouteBody<'quote'>>, idempotencyKey: string = randomUUID()) =>
      route('quote', { path: kioskPath('quote'), body: { ...request, idempotencyKey } }),
    // Payment renders the documents: a longer attempt than the other calls, but never past the
    // caller's deadline (the escrow-payment budget).
    pay: (issuanceId: string, paidYen: RouteBody<'pay'>['paidYen'], idempotencyKey: string = randomUUID(), deadlineAt?: number) =>
      route('pay', { path: kioskPath('pay', atIssuance(issuanceId)), body: { idempotencyKey, paidYen } }, 40_000, deadlineAt),
    printResult: (issuanceId: string, request: WithoutKey<RouteBody<'printResult'>>, idempotencyKey: string = randomUUID()) =>
      route('printResult', { path: kioskPath('printResult', atIssuance(issuanceId)), body: { ...request, idempotencyKey } }),
    cancel: (issuanceId: string, reasonCode?: RouteBody<'cancel'>['reasonCode'], idempotencyKey: string = randomUUID()) =>
      route('cancel', {
        path: kioskPath('cancel', atIssuance(issuanceId)),
        body: { idempotencyKey, ...(reasonCode ? { reasonCode } : {}) },
      }),
    // A beat must not outlive its minute: a short attempt, and the next beat is the retry.
    heartbeat: (request: WithoutKey<RouteBody<'heartbeat'>>, idempotencyKey: string = randomUUID()) =>
      route('heartbeat', { path: kioskPath('heartbeat'), body: { ...request, idempotencyKey } }, 10_000, Date.now() + 45_000),
    bindingKey: () => route('bindingKey', { path: kioskPath('bindingKey') }),
    /** The center the next call tries first (for the heartbeat, and tests). */
    preferredCenter: () => failover.preferredCenter(),
    /** The center that answered the last answered call. */
    lastAnsweredBy: () => failover.lastAnsweredBy(),
    close: () => {
      failover.close();
      agent.destroy();
    },
  };
}

function centerUrlsOf(options: CenterClientOptions): readonly string[] {
  if (options.baseUrl !== undefined && options.baseUrls !== undefined)
    throw new Error('center client: both baseUrl and baseUrls are configured; keep baseUrls (every center, primary first)');
  return options.baseUrls ?? (options.baseUrl !== undefined ? [options.baseUrl] : []);
}

interface Attempts {
  agent: https.Agent;
  failover: CenterFailover;
  retries: number;
  timeoutMs: number;
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body: unknown;
  schema: KioskRouteSpec['response'];
}

/**
 * One call: `retries` + 1 attempts with the same body (so the same idempotency key), each at the
 * center the failover order gives, each within `timeoutMs`. `deadlineAt` (epoch ms) bounds the
 * whole call, every center and retry included: a resident is waiting at the machine, so no
 * attempt starts, and none runs, past it.
 */
async function callCenters(attempts: Attempts, request: Request, timeoutMs = attempts.timeoutMs, deadlineAt = Infinity): Promise<unknown> {
  const { method, path, body, schema } = request;
  const order = attempts.failover.order(attempts.retries + 1);
  let lastError: unknown = new Error(`no attempt before the deadline of ${method} ${path}`);
  for (const [attempt, index] of order.entries()) {
    // On to a center this call has not tried yet at once; back to one it has tried after a pause
    // that lets a passing fault pass (with one center: 200 ms, then 400 ms, as before).
    if (attempt >= attempts.failover.centers.length) await delay(200 * attempt);
    const remaining = deadlineAt - Date.now();
    if (remaining <= 0) break;
    try {
      const { status, json } = await send(
        attempts.agent,
        attempts.failover.centers[index]!,
        method,
        path,
        body,
        Math.min(timeoutMs, remaining),
      );
      if (status >= 200 && status < 300) {
        attempts.failover.answered(index);
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw new MadoguchiError('INTERNAL', `center answer to ${path} does not match the schema`);
        return parsed.data;
      }
      const failure = errorFromAnswer(method, path, status, json);
      // 5xx may be a passing fault of that center: the next attempt carries the same key. A 4xx is
      // the center's decision, which every center (one database) would take alike: never retried.
      const passingFault = status >= 500 && status !== 501;
      if (passingFault && attempt < order.length - 1) {
        lastError = failure;
        continue;
      }
      if (!passingFault) attempts.failover.answered(index);
      throw failure;
    } catch (error) {
      if (error instanceof MadoguchiError) throw error;
      lastError = error;
    }
  }
  throw new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE', lastError instanceof Error ? lastError.message : String(lastError));
}

/**
 * Whether a primary serves kiosks again: the binding key, a GET that passes the same mutual-TLS
 * kiosk check (a database lookup) as every call, and changes nothing.
 */
async function probe(agent: https.Agent, primary: URL): Promise<boolean> {
  const { status, json } = await send(agent, primary, 'GET', kioskPath('bindingKey'), undefined, PROBE_TIMEOUT_MS);
  return status >= 200 && status < 300 && kioskApi.bindingKey.response.safeParse(json).success;
}

/** The catalog error for a non-2xx answer: the center's own code when this kiosk knows it. */
function errorFromAnswer(method: string, path: string, status: number, json: unknown): MadoguchiError {
  // Tolerant on purpose (see ReceivedErrorBody): a newer center may know codes this kiosk does not.
  const err = ReceivedErrorBody.safeParse(json);
  const received = err.success ? err.data.error.code : undefined;
  const code = isErrorCode(received) ? received : 'INTERNAL';
  const unknownCode = received !== undefined && received !== code ? ` with unknown code ${received}` : '';
  return new MadoguchiError(code, `center answered ${status} to ${method} ${path}${unknownCode}`);
}

/**
 * One HTTPS attempt over the kiosk's mutual-TLS agent: the status and the parsed JSON (null when none).
 * A request that fails on a REUSED keep-alive socket before any byte of answer is sent again at once
 * on another socket, without spending one of the call's attempts or its pause: the center closed that
 * idle socket as the request went out, which says nothing about the center. Safe to repeat: a GET
 * changes nothing and every POST carries its idempotency key, so if the center did take the first
 * one, the second gets its answer. Each failed socket is destroyed, so this ends on a new connection.
 */
function send(
  agent: https.Agent,
  base: URL,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let answered = false;
    const req = https.request(
      {
        agent,
        host: base.hostname,
        port: base.port || 443,
        method,
        path,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: text.length > 0 ? JSON.parse(text) : null });
          } catch {
            resolve({ status: res.statusCode ?? 0, json: null });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (error) => {
      if (req.reusedSocket && !answered && closedByPeer(error)) {
        send(agent, base, method, path, body, timeoutMs).then(resolve, reject);
      } else reject(error);
    });
    req.end(payload);
  });
}

/** The peer closed the connection (reset, or closed before answering: "socket hang up"), not our own timeout. */
function closedByPeer(error: Error & { code?: string }): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
