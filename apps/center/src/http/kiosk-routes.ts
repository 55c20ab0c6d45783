/**
 * The kiosk API (/api/v1), exactly as packages/shared/src/api/kiosk-center.ts defines it. Every
 * route first identifies the kiosk by its mutual-TLS certificate; every mutating call runs under
 * its idempotency key.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
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
  ErrorBody,
  IssuanceParams,
  MadoguchiError,
  PaymentRequest,
  PrintResultRequest,
  PrintResultResponse,
  QuoteRequest,
  QuoteResponse,
} from '@madoguchi/shared';
import { authenticateResident, describeSession, type AuthenticationDeps } from '../auth/authenticate.js';
import { issueChallenge } from '../auth/challenges.js';
import { loadSession, type Session } from '../auth/sessions.js';
import { runIdempotent, errorFromStored } from '../issuance/idempotency.js';
import { recordIncident } from '../issuance/incidents.js';
import { cancel, deliveryOf, pay, quote, reportPrintResult, type IssuanceContext } from '../issuance/issuance-service.js';
import { kioskGuard } from '../kiosks/mtls.js';
import type { Kiosk } from '../kiosks/registry.js';
import { applyDomicileRegistrationAtKiosk, domicileRegistrationOffer } from '../policy/domicile-application.js';
import type { CenterContext } from './context.js';

/** A retry that arrives while the first call runs waits this long for its result (every call but payment). */
const DUPLICATE_WAIT_MS = 5_000;
const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

function kioskOf(request: FastifyRequest): Kiosk {
  if (!request.kiosk) throw new MadoguchiError('KIOSK_CERTIFICATE_MISSING');
  return request.kiosk;
}

/**
 * A stored idempotent result: the first call's refusal is thrown again (same code, same status);
 * its success body is returned as it was (the response schema checks it on the way out).
 */
function stored<T>(reply: FastifyReply, result: { status: number; body: unknown }): T {
  if (result.status >= 400) throw errorFromStored(result.body) ?? new MadoguchiError('INTERNAL', 'stored result without a code');
  reply.code(result.status);
  return result.body as T;
}

export function kioskRoutes(ctx: CenterContext): FastifyPluginAsync {
  const auth: AuthenticationDeps = { database: ctx.database, services: ctx.services, anchors: ctx.anchors, revocation: ctx.revocation, sessionTtlMs: ctx.config.timeouts.sessionTtlMs };
  const issuance: IssuanceContext = { database: ctx.database, services: ctx.services, bindingKey: ctx.bindingKey, renderTimeoutMs: ctx.config.timeouts.renderTimeoutMs };
  // A payment renders its copies; its retry waits for them, within the request timeout.
  const paymentWaitMs = Math.min(ctx.config.timeouts.renderTimeoutMs * 2 + DUPLICATE_WAIT_MS, ctx.config.timeouts.requestTimeoutMs - 1_000);
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.decorateRequest('kiosk', null);
    r.addHook('onRequest', kioskGuard(ctx.database));

    r.post(
      '/challenges',
      { schema: { tags: ['kiosk'], summary: 'Issue a card challenge (32 random bytes, single use, ≤ 60 s, bound to this kiosk)', body: ChallengeRequest, response: { 200: ChallengeResponse, ...errors } } },
      async (request, reply) => {
        const kiosk = kioskOf(request);
        const now = ctx.now();
        const { idempotencyKey } = request.body;
        // The stored result is the challenge itself: random bytes and an id, nothing of a resident.
        const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'challenge', request: {}, now, waitMs: DUPLICATE_WAIT_MS }, () =>
          issueChallenge(ctx.database, kiosk.terminalId, now, ctx.config.timeouts.challengeTtlMs),
        );
        return stored<ChallengeResponse>(reply, result);
      },
    );

    r.post(
      '/sessions',
      { schema: { tags: ['kiosk'], summary: 'Authenticate the resident by the card signature over the challenge', body: AuthenticateRequest, response: { 200: AuthenticateResponse, ...errors } } },
      async (request, reply) => {
        const kiosk = kioskOf(request);
        const now = ctx.now();
        const { idempotencyKey, ...signed } = request.body;
        // The stored result is the session id only: a retry gets the same session (the challenge was
        // consumed once, one session row, one audit entry), described afresh below, and no names are
        // kept beside the idempotency key. A new key on the same challenge is a new call, refused
        // AUTH_CHALLENGE_REPLAYED.
        let created: Session | undefined;
        const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'authenticate', request: signed, now, waitMs: DUPLICATE_WAIT_MS }, async () => {
          created = await authenticateResident(auth, kiosk, request.body, now);
          return { sessionId: created.sessionId };
        });
        const session = created ?? (await loadSession(ctx.database.db, stored<{ sessionId: string }>(reply, result).sessionId, kiosk.terminalId, now));
        const [described, domicileRegistration] = await Promise.all([describeSession(auth, session, now), domicileRegistrationOffer(ctx.database, session, now)]);
        return domicileRegistration ? { ...described, domicileRegistration } : described;
      },
    );

    r.post(
      '/domicile-registrations',
      {
        schema: {
          tags: ['kiosk'],
          summary: '本籍地利用登録申請: the session’s resident applies for their 本籍地; its 戸籍 certificates become available once that municipality approves',
          body: DomicileRegistrationRequest,
          response: { 200: DomicileRegistrationResponse, ...errors },
        },
      },
      async (request, reply) => {
        const kiosk = kioskOf(request);
        const now = ctx.now();
        const { idempotencyKey, sessionId } = request.body;
        const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'domicile-registration', request: { sessionId }, now, waitMs: DUPLICATE_WAIT_MS }, async () =>
          applyDomicileRegistrationAtKiosk(ctx.database, kiosk, await loadSession(ctx.database.db, sessionId, kiosk.terminalId, now), now),
        );
        return stored<DomicileRegistrationResponse>(reply, result);
      },
    );

    r.post('/issuances', { schema: { tags: ['kiosk'], summary: 'Quote: eligibility and fee (refusals happen here, before payment)', body: QuoteRequest, response: { 200: QuoteResponse, ...errors } } }, async (request, reply) => {
      const kiosk = kioskOf(request);
      const now = ctx.now();
      const { idempotencyKey, ...rest } = request.body;
      const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'quote', request: rest, now, waitMs: DUPLICATE_WAIT_MS }, () => quote(issuance, kiosk, rest, now));
      return stored<QuoteResponse>(reply, result);
    });

    r.post(
      '/issuances/:issuanceId/payment',
      { schema: { tags: ['kiosk'], summary: 'Record the payment; renders and returns the documents with their signed bindings', params: IssuanceParams, body: PaymentRequest, response: { 200: DeliveryResponse, ...errors } } },
      async (request, reply) => {
        const kiosk = kioskOf(request);
        const now = ctx.now();
        const { issuanceId } = request.params;
        const { idempotencyKey, paidYen } = request.body;
        // The stored result of a delivery is a marker, not the documents: the bytes live (briefly)
        // only in issuance_documents, and a replay reads them from there.
        let delivery: DeliveryResponse | undefined;
        const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'payment', request: { issuanceId, paidYen }, now, waitMs: paymentWaitMs }, async () => {
          delivery = await pay(issuance, kiosk, issuanceId, paidYen, now);
          return { delivered: issuanceId };
        });
        if (delivery) return delivery;
        stored<unknown>(reply, result);
        // The kiosk is retrying a delivery that succeeded: it saw an error the first time. The
        // operator reconciles it (misissuance.md req. 3); the documents are the same signed ones.
        await recordIncident(ctx.database.db, { kind: 'delivery_replayed', issuanceId, terminalId: kiosk.terminalId, detail: { idempotencyKey } }, now);
        return deliveryOf(issuance, kiosk, issuanceId);
      },
    );

    r.post(
      '/issuances/:issuanceId/print-results',
      { schema: { tags: ['kiosk'], summary: 'Report one copy printed, failed, or rejected by the kiosk’s binding check', params: IssuanceParams, body: PrintResultRequest, response: { 200: PrintResultResponse, ...errors } } },
      async (request, reply) => {
        const kiosk = kioskOf(request);
        const now = ctx.now();
        const { idempotencyKey, ...report } = request.body;
        const { issuanceId } = request.params;
        const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'print-result', request: { issuanceId, ...report }, now, waitMs: DUPLICATE_WAIT_MS }, () =>
          reportPrintResult(issuance, kiosk, issuanceId, report, now),
        );
        return stored<PrintResultResponse>(reply, result);
      },
    );

    r.post(
      '/issuances/:issuanceId/cancel',
      { schema: { tags: ['kiosk'], summary: 'Cancel: void a quote, or refund a paid issuance', params: IssuanceParams, body: CancelRequest, response: { 200: CancelResponse, ...errors } } },
      async (request, reply) => {
        const kiosk = kioskOf(request);
        const now = ctx.now();
        const { issuanceId } = request.params;
        const { idempotencyKey, reasonCode } = request.body;
        const result = await runIdempotent(ctx.database, { terminalId: kiosk.terminalId, key: idempotencyKey, operation: 'cancel', request: { issuanceId, reasonCode }, now, waitMs: DUPLICATE_WAIT_MS }, () => cancel(issuance, kiosk, issuanceId, reasonCode, now));
        return stored<PrintResultResponse>(reply, result);
      },
    );

    r.get('/center-key', { schema: { tags: ['kiosk'], summary: 'The Ed25519 public key that signs document bindings', response: { 200: CenterKeyResponse, ...errors } } }, async () => ({
      keyId: ctx.bindingKey.keyId,
      publicKeyPem: ctx.bindingKey.publicKeyPem,
    }));
  };
}
