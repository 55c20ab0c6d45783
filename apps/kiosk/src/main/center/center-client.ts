/**
 * The kiosk's client for the center's API v1, built on its route table (packages/shared/src/api/
 * kiosk-routes.ts): each call names a route, whose path, method and schemas come from the table;
 * every request body is typed as its schema's input (`z.input`) and checked against it before it
 * leaves, so a drift between kiosk and center fails the build or, at the latest, the call — never
 * the center's validation of a half-understood request; every answer is validated before the
 * kiosk acts on it.
 * The kiosk proves who it is with its mutual-TLS client certificate. Every POST carries an
 * idempotency key, one per logical call, and is retried with the SAME key on network failures
 * and 5xx, so a retry returns the first result: the same challenge, the same session (never
 * AUTH_CHALLENGE_REPLAYED for a challenge its own first attempt consumed), never a second issuance.
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

export interface CenterClientOptions {
  /** e.g. https://127.0.0.1:8443 */
  baseUrl: string;
  /** PEM: the kiosk's client certificate and key, and the CA that signed the center's server certificate. */
  cert: string;
  key: string;
  ca: string;
  timeoutMs?: number;
  retries?: number;
}

export type CenterClient = ReturnType<typeof createCenterClient>;

export function createCenterClient(options: CenterClientOptions) {
  const agent = new https.Agent({ cert: options.cert, key: options.key, ca: options.ca, keepAlive: true, maxSockets: 4 });
  const base = new URL(options.baseUrl);
  const retries = options.retries ?? 2;

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
    return call(spec.method, input.path, input.body, spec.response, timeoutMs, deadlineAt) as Promise<RouteResponse<N>>;
  }

  /**
   * `deadlineAt` (epoch ms) bounds the whole call, retries included: a resident is waiting at the
   * machine, so no attempt starts, and none runs, past it.
   */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: KioskRouteSpec['response'],
    timeoutMs = options.timeoutMs ?? 15_000,
    deadlineAt = Infinity,
  ): Promise<unknown> {
    let lastError: unknown = new Error(`no attempt before the deadline of ${method} ${path}`);
    for (let attempt = 0; attempt <= retries; attempt++) {
      const remaining = deadlineAt - Date.now();
      if (remaining <= 0) break;
      try {
        const { status, json } = await send(agent, base, method, path, body, Math.min(timeoutMs, remaining));
        if (status >= 200 && status < 300) {
          const parsed = schema.safeParse(json);
          if (!parsed.success) throw new MadoguchiError('INTERNAL', `center answer to ${path} does not match the schema`);
          return parsed.data;
        }
        const failure = errorFromAnswer(method, path, status, json);
        // 5xx may be a passing fault: retry with the same idempotency key. 4xx is the center's decision.
        if (status >= 500 && status !== 501 && attempt < retries) {
          lastError = failure;
          await delay(200 * (attempt + 1));
          continue;
        }
        throw failure;
      } catch (error) {
        if (error instanceof MadoguchiError) throw error;
        lastError = error;
        if (attempt < retries) await delay(200 * (attempt + 1));
      }
    }
    throw new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE', lastError instanceof Error ? lastError.message : String(lastError));
  }

  // Each method draws its idempotency key once (or takes the caller's), before `call` retries.
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
    bindingKey: () => route('bindingKey', { path: kioskPath('bindingKey') }),
    close: () => agent.destroy(),
  };
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

/** One HTTPS attempt over the kiosk's mutual-TLS agent: the status and the parsed JSON (null when none). */
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
    req.on('error', reject);
    req.end(payload);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
