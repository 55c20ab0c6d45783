/**
 * The kiosk API, registered from its route table (packages/shared/src/api/kiosk-routes.ts): each
 * route's method, path and schemas come from there, through kioskRoute(), which also does what
 * every route does first — identify the kiosk by its mutual-TLS certificate, read the clock — and
 * runs a mutating call under its idempotency key with the operation name the table gives it.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ErrorBody,
  MadoguchiError,
  kioskApi,
  type KioskRouteName,
  type KioskRouteSpec,
  type RouteParsedBody,
  type RouteParsedParams,
  type RouteResponse,
} from '@madoguchi/shared';
import { authenticateResident, describeSession, type AuthenticationDeps } from '../auth/authenticate.js';
import { issueChallenge } from '../auth/challenges.js';
import { loadSession, type Session } from '../auth/sessions.js';
import { runIdempotent, errorFromStored } from '../issuance/idempotency.js';
import { recordIncident } from '../issuance/incidents.js';
import { cancel, deliveryOf, pay, quote, reportPrintResult, type IssuanceContext } from '../issuance/issuance-service.js';
import { recordHeartbeat } from '../kiosks/heartbeat.js';
import { kioskGuard } from '../kiosks/mtls.js';
import type { Kiosk } from '../kiosks/registry.js';
import { applyDomicileRegistrationAtKiosk } from '../policy/domicile-application.js';
import { recordMenuRefusals } from '../statistics/refusal-records.js';
import type { CenterContext } from './context.js';
import { deliveryJson, type JsonBytes } from './zod.js';

/** A retry that arrives while the first call runs waits this long for its result (every call but payment). */
const DUPLICATE_WAIT_MS = 5_000;

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

/** What a route handler is given: the calling kiosk, the clock read once, the validated request. */
interface KioskCall<N extends KioskRouteName> {
  kiosk: Kiosk;
  now: Date;
  body: RouteParsedBody<N>;
  params: RouteParsedParams<N>;
  reply: FastifyReply;
  /**
   * Runs `run` once per (kiosk, idempotency key, operation) and returns its stored result: a retry
   * gets the first call's answer or its refusal again. `request` is what defines the call for the
   * key (everything but the key itself); the same key with another request is refused.
   */
  idempotent<T>(request: unknown, run: () => Promise<T>, waitMs?: number): Promise<T>;
}

/**
 * Registers the table's route `name`; its schemas validate the request and check the answer (an
 * answer the handler already checked and wrote as JSON bytes, the delivery's, is sent as it is).
 */
function kioskRoute<N extends KioskRouteName>(
  ctx: CenterContext,
  app: FastifyInstance,
  name: N,
  handler: (call: KioskCall<N>) => Promise<RouteResponse<N> | JsonBytes>,
): void {
  const spec: KioskRouteSpec = kioskApi[name];
  app.withTypeProvider<ZodTypeProvider>().route({
    method: spec.method,
    url: spec.path,
    schema: {
      tags: ['kiosk'],
      summary: spec.summary,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      response: { 200: spec.response, '4xx': ErrorBody, '5xx': ErrorBody },
    },
    handler: async (request, reply) => {
      const kiosk = kioskOf(request);
      const now = ctx.now();
      const answer = await handler({
        kiosk,
        now,
        body: request.body as RouteParsedBody<N>,
        params: request.params as RouteParsedParams<N>,
        reply,
        async idempotent<T>(forKey: unknown, run: () => Promise<T>, waitMs = DUPLICATE_WAIT_MS): Promise<T> {
          const { operation } = spec;
          // The table gives every mutating route an operation; a route without one has no key to run under.
          if (!operation) throw new MadoguchiError('INTERNAL', `${name} is not an idempotent route`);
          const { idempotencyKey } = request.body as { idempotencyKey: string };
          const result = await runIdempotent(
            ctx.database,
            { terminalId: kiosk.terminalId, key: idempotencyKey, operation, request: forKey, now, waitMs },
            run,
          );
          return stored<T>(reply, result);
        },
      });
      // Checked and written by the route itself (deliveryJson): sent as it is, the serializer skipped.
      if (Buffer.isBuffer(answer)) reply.type('application/json; charset=utf-8');
      return answer;
    },
  });
}

export function kioskRoutes(ctx: CenterContext): FastifyPluginAsync {
  const auth: AuthenticationDeps = {
    database: ctx.database,
    services: ctx.services,
    anchors: ctx.anchors,
    revocation: ctx.revocation,
    sessionTtlMs: ctx.config.timeouts.sessionTtlMs,
  };
  const issuance: IssuanceContext = {
    database: ctx.database,
    services: ctx.services,
    bindingKey: ctx.bindingKey,
    renderTimeoutMs: ctx.config.timeouts.renderTimeoutMs,
  };
  // A payment renders its copies; its retry waits for them, within the request timeout.
  const paymentWaitMs = Math.min(ctx.config.timeouts.renderTimeoutMs * 2 + DUPLICATE_WAIT_MS, ctx.config.timeouts.requestTimeoutMs - 1_000);

  return async (app) => {
    app.decorateRequest('kiosk', null);
    app.addHook('onRequest', kioskGuard(ctx.database));

    // The stored result is the challenge itself: random bytes and an id, nothing of a resident.
    kioskRoute(ctx, app, 'challenge', ({ kiosk, now, idempotent }) =>
      idempotent({}, () => issueChallenge(ctx.database, kiosk.terminalId, now, ctx.config.timeouts.challengeTtlMs)),
    );

    kioskRoute(ctx, app, 'authenticate', async ({ kiosk, now, body, idempotent }) => {
      const { idempotencyKey: _key, ...signed } = body;
      // The stored result is the session id only: a retry gets the same session (the challenge was
      // consumed once, one session row, one audit entry), described afresh below, and no names are
      // kept beside the idempotency key. A new key on the same challenge is a new call, refused
      // AUTH_CHALLENGE_REPLAYED.
      let created: Session | undefined;
      const { sessionId } = await idempotent(signed, async () => {
        created = await authenticateResident(auth, kiosk, body, now);
        return { sessionId: created.sessionId };
      });
      const session = created ?? (await loadSession(ctx.database.db, sessionId, kiosk.terminalId, now));
      const described = await describeSession(auth, session, now);
      // Counted once, for the session's first answer: a retried sign-in is the same resident's visit.
      if (created) await recordMenuRefusals(ctx.database.db, session, described.menu, now);
      return described;
    });

    kioskRoute(ctx, app, 'applyDomicileRegistration', ({ kiosk, now, body: { sessionId }, idempotent }) =>
      idempotent({ sessionId }, async () =>
        applyDomicileRegistrationAtKiosk(ctx.database, kiosk, await loadSession(ctx.database.db, sessionId, kiosk.terminalId, now), now),
      ),
    );

    kioskRoute(ctx, app, 'quote', ({ kiosk, now, body, idempotent }) => {
      const { idempotencyKey: _key, ...rest } = body;
      return idempotent(rest, () => quote(issuance, kiosk, rest, now));
    });

    kioskRoute(ctx, app, 'pay', async ({ kiosk, now, params: { issuanceId }, body: { idempotencyKey, paidYen }, idempotent }) => {
      // The stored result of a delivery is a marker, not the documents: the bytes live (briefly)
      // only in issuance_documents, and a replay reads them from there.
      let delivery: RouteResponse<'pay'> | undefined;
      await idempotent(
        { issuanceId, paidYen },
        async () => {
          delivery = await pay(issuance, kiosk, issuanceId, paidYen, now);
          return { delivered: issuanceId };
        },
        paymentWaitMs,
      );
      if (delivery) return deliveryJson(delivery);
      // The kiosk is retrying a delivery that succeeded: it saw an error the first time. The
      // operator reconciles it (docs/misissuance.md#r3); the documents are the same signed ones.
      await recordIncident(
        ctx.database.db,
        { kind: 'delivery_replayed', issuanceId, terminalId: kiosk.terminalId, detail: { idempotencyKey } },
        now,
      );
      return deliveryJson(await deliveryOf(issuance, kiosk, issuanceId));
    });

    kioskRoute(ctx, app, 'printResult', ({ kiosk, now, params: { issuanceId }, body, idempotent }) => {
      // The journey time is a measurement, not the request: a journaled retry without it gets the first answer.
      const { idempotencyKey: _key, journeyMs, ...report } = body;
      return idempotent({ issuanceId, ...report }, () => reportPrintResult(issuance, kiosk, issuanceId, { ...report, journeyMs }, now));
    });

    kioskRoute(ctx, app, 'cancel', ({ kiosk, now, params: { issuanceId }, body: { reasonCode }, idempotent }) =>
      idempotent({ issuanceId, reasonCode }, () => cancel(issuance, kiosk, issuanceId, reasonCode, now)),
    );

    // Idempotent by its own key (kiosks/heartbeat.ts), so not run under `idempotent`.
    kioskRoute(ctx, app, 'heartbeat', ({ kiosk, now, body }) => recordHeartbeat(ctx.database, kiosk.terminalId, body, now));

    kioskRoute(ctx, app, 'bindingKey', async () => ({ keyId: ctx.bindingKey.keyId, publicKeyPem: ctx.bindingKey.publicKeyPem }));
  };
}
