/**
 * The kiosk's client for the center's API v1, built on the shared schemas: every answer is
 * validated before the kiosk acts on it. The kiosk proves who it is with its mutual-TLS client
 * certificate. Mutating calls carry an idempotency key and are retried with the SAME key on
 * network failures, so a retry returns the first result and never issues twice.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import {
  API_PREFIX,
  AuthenticateResponse,
  CancelResponse,
  CenterKeyResponse,
  ChallengeResponse,
  DeliveryResponse,
  ErrorBody,
  MadoguchiError,
  PrintResultResponse,
  QuoteResponse,
  isErrorCode,
  type AuthenticateRequest,
  type CertificateOptions,
  type CertificateType,
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

  async function call<S extends z.ZodTypeAny>(method: 'GET' | 'POST', path: string, body: unknown, schema: S, timeoutMs = options.timeoutMs ?? 15_000): Promise<z.infer<S>> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        const { status, json } = await send(method, path, body, timeoutMs);
        if (status >= 200 && status < 300) {
          const parsed = schema.safeParse(json);
          if (!parsed.success) throw new MadoguchiError('INTERNAL', `center answer to ${path} does not match the schema`);
          return parsed.data;
        }
        const err = ErrorBody.safeParse(json);
        const code = err.success && isErrorCode(err.data.error.code) ? err.data.error.code : 'INTERNAL';
        const failure = new MadoguchiError(code, `center answered ${status} to ${method} ${path}`);
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

  return {
    challenge: () => call('POST', '/challenges', {}, ChallengeResponse),
    authenticate: (request: AuthenticateRequest) => call('POST', '/sessions', request, AuthenticateResponse),
    quote: (request: { sessionId: string; certificateType: CertificateType; options: CertificateOptions; copies: number; idempotencyKey?: string }) =>
      call('POST', '/issuances', { ...request, idempotencyKey: request.idempotencyKey ?? randomUUID() }, QuoteResponse),
    pay: (issuanceId: string, paidYen: number, idempotencyKey: string = randomUUID()) =>
      call('POST', `/issuances/${encodeURIComponent(issuanceId)}/payment`, { idempotencyKey, paidYen }, DeliveryResponse, 60_000),
    printResult: (issuanceId: string, request: { issueNumber: string; outcome: 'printed' | 'failed' | 'rejected'; reasonCode?: string; idempotencyKey?: string }) =>
      call('POST', `/issuances/${encodeURIComponent(issuanceId)}/print-results`, { ...request, idempotencyKey: request.idempotencyKey ?? randomUUID() }, PrintResultResponse),
    cancel: (issuanceId: string, reasonCode?: string, idempotencyKey: string = randomUUID()) =>
      call('POST', `/issuances/${encodeURIComponent(issuanceId)}/cancel`, { idempotencyKey, ...(reasonCode ? { reasonCode } : {}) }, CancelResponse),
    centerKey: () => call('GET', '/center-key', undefined, CenterKeyResponse),
    close: () => agent.destroy(),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
