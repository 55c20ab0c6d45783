/**
 * The kiosk's client for the center's API v1, built on the shared schemas: every request body is
 * typed as its schema's input (`z.input`) and checked against it before it leaves, so a drift
 * between kiosk and center fails the build or, at the latest, the call — never the center's
 * validation of a half-understood request; every answer is validated before the kiosk acts on it.
 * The kiosk proves who it is with its mutual-TLS client certificate. Every POST carries an
 * idempotency key, one per logical call, and is retried with the SAME key on network failures
 * and 5xx, so a retry returns the first result: the same challenge, the same session (never
 * AUTH_CHALLENGE_REPLAYED for a challenge its own first attempt consumed), never a second issuance.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import {
  API_PREFIX,
  AuthenticateRequest,
  AuthenticateResponse,
  CancelRequest,
  CancelResponse,
  CenterKeyResponse,
  ChallengeRequest,
  ChallengeResponse,
  DeliveryResponse,
  DomicileRegistrationRequest,
  DomicileRegistrationResponse,
  MadoguchiError,
  PaymentRequest,
  PrintResultRequest,
  PrintResultResponse,
  QuoteRequest,
  QuoteResponse,
  ReceivedErrorBody,
  isErrorCode,
} from '@madoguchi/shared';
import type { z } from 'zod';

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
   * A POST whose body is checked against its shared schema first. The input is what is sent, not
   * the parsed output: the wire format is the schema's input side (YenSchema's brand, for one, is
   * a one-way transform), and the center parses it with the same schema.
   */
  async function post<Q extends z.ZodType, S extends z.ZodType>(path: string, requestSchema: Q, body: z.input<Q>, schema: S, timeoutMs?: number, deadlineAt?: number): Promise<z.infer<S>> {
    const checked = requestSchema.safeParse(body);
    if (!checked.success) {
      // Paths only: a body can hold a card certificate, never worth repeating in a log.
      throw new MadoguchiError('INPUT_INVALID', `request to ${path} does not match its schema: ${checked.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
    return call('POST', path, body, schema, timeoutMs, deadlineAt);
  }

  /**
   * `deadlineAt` (epoch ms) bounds the whole call, retries included: a resident is waiting at the
   * machine, so no attempt starts, and none runs, past it.
   */
  async function call<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S, timeoutMs = options.timeoutMs ?? 15_000, deadlineAt = Infinity): Promise<z.infer<S>> {
    let lastError: unknown = new Error(`no attempt before the deadline of ${method} ${path}`);
    for (let attempt = 0; attempt <= retries; attempt++) {
      const remaining = deadlineAt - Date.now();
      if (remaining <= 0) break;
      try {
        const { status, json } = await send(method, path, body, Math.min(timeoutMs, remaining));
        if (status >= 200 && status < 300) {
          const parsed = schema.safeParse(json);
          if (!parsed.success) throw new MadoguchiError('INTERNAL', `center answer to ${path} does not match the schema`);
          return parsed.data;
        }
        // Tolerant on purpose (see ReceivedErrorBody): a newer center may know codes this kiosk does not.
        const err = ReceivedErrorBody.safeParse(json);
        const received = err.success ? err.data.error.code : undefined;
        const code = isErrorCode(received) ? received : 'INTERNAL';
        const failure = new MadoguchiError(code, `center answered ${status} to ${method} ${path}${received !== undefined && received !== code ? ` with unknown code ${received}` : ''}`);
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

  function send(method: string, path: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: unknown }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        {
          agent,
          host: base.hostname,
          port: base.port || 443,
          method,
          path: `${API_PREFIX}${path}`,
          headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
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

  // Each method draws its idempotency key once (or takes the caller's), before `call` retries.
  type WithoutKey<T> = Omit<T, 'idempotencyKey'>;
  return {
    challenge: (idempotencyKey: string = randomUUID()) => post('/challenges', ChallengeRequest, { idempotencyKey }, ChallengeResponse),
    authenticate: (request: WithoutKey<z.input<typeof AuthenticateRequest>>, idempotencyKey: string = randomUUID()) => post('/sessions', AuthenticateRequest, { ...request, idempotencyKey }, AuthenticateResponse),
    applyDomicileRegistration: (sessionId: string, idempotencyKey: string = randomUUID()) =>
      post('/domicile-registrations', DomicileRegistrationRequest, { idempotencyKey, sessionId }, DomicileRegistrationResponse),
    quote: (request: WithoutKey<z.input<typeof QuoteRequest>>, idempotencyKey: string = randomUUID()) => post('/issuances', QuoteRequest, { ...request, idempotencyKey }, QuoteResponse),
    // Payment renders the documents: a longer attempt than the other calls, but never past the
    // caller's deadline (the escrow-payment budget).
    pay: (issuanceId: string, paidYen: z.input<typeof PaymentRequest>['paidYen'], idempotencyKey: string = randomUUID(), deadlineAt?: number) =>
      post(`/issuances/${encodeURIComponent(issuanceId)}/payment`, PaymentRequest, { idempotencyKey, paidYen }, DeliveryResponse, 40_000, deadlineAt),
    printResult: (issuanceId: string, request: WithoutKey<z.input<typeof PrintResultRequest>>, idempotencyKey: string = randomUUID()) =>
      post(`/issuances/${encodeURIComponent(issuanceId)}/print-results`, PrintResultRequest, { ...request, idempotencyKey }, PrintResultResponse),
    cancel: (issuanceId: string, reasonCode?: z.input<typeof CancelRequest>['reasonCode'], idempotencyKey: string = randomUUID()) =>
      post(`/issuances/${encodeURIComponent(issuanceId)}/cancel`, CancelRequest, { idempotencyKey, ...(reasonCode ? { reasonCode } : {}) }, CancelResponse),
    centerKey: () => call('GET', '/center-key', undefined, CenterKeyResponse),
    close: () => agent.destroy(),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
