/**
 * The console API's routes, registered from the console route table
 * (packages/shared/src/api/console-routes.ts) through consoleRoute(). Every route does the same
 * first steps, in this order, in `onRequest` — Fastify has the path parameters then, and no byte
 * of the body has been read:
 *
 *   1. authenticate: no session cookie → 401 AUTHENTICATION_REQUIRED; a dead session → 401 SESSION_EXPIRED
 *   2. permission: mayDo(staff, route.permission, params.municipalityCode ?? null) → else 403 FORBIDDEN
 *      (the body holds the error code and message only, never data)
 *   3. CSRF on every state-changing call: the session's token in CSRF_HEADER → else 403 CSRF_INVALID
 *
 * then zod validates params, query and body (400 INPUT_INVALID with issues), then the handler runs.
 * Public routes (sign-in, enrolment) skip 1–3. Every answer says Cache-Control: no-store.
 *
 * CSRF is the synchronizer-token pattern over our own session row (compared in constant time), not
 * @fastify/csrf-protection: that plugin derives tokens from a secret it keeps in its own session or
 * cookie, while the contract hands the console the session's token in `me` (Me.csrfToken).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  CONSOLE_SESSION_COOKIE,
  CSRF_HEADER,
  ErrorBody,
  MadoguchiError,
  consoleApi,
  mayDo,
  type ConsoleApi,
  type ConsoleParsedBody,
  type ConsoleParsedParams,
  type ConsoleParsedQuery,
  type ConsoleResponse,
  type ConsoleRouteName,
  type ConsoleRouteSpec,
} from '@madoguchi/shared';
import { consoleSettings } from '../config.js';
import { useSession, type StaffPrincipal } from '../staff/sessions.js';
import { constantTimeEqual } from '../staff/secrets.js';
import type { CenterContext } from './context.js';

export type { StaffPrincipal } from '../staff/sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member (console routes that are not public). */
    staff?: StaffPrincipal;
    /** The session's CSRF token and absolute end, for `me` and sign-in answers. */
    staffSession?: { csrfToken: string; expiresAt: string };
  }
}

export interface ConsoleCall<N extends ConsoleRouteName> {
  staff: ConsoleApi[N]['permission'] extends 'public' ? null : StaffPrincipal;
  params: ConsoleParsedParams<N>;
  query: ConsoleParsedQuery<N>;
  body: ConsoleParsedBody<N>;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** The cookie's attributes: `__Host-` needs Secure, Path=/ and no Domain; JavaScript never reads it. */
export const sessionCookieOptions = { secure: true, httpOnly: true, sameSite: 'strict', path: '/' } as const;

function refuse(reply: FastifyReply, code: 'AUTHENTICATION_REQUIRED' | 'SESSION_EXPIRED' | 'FORBIDDEN' | 'CSRF_INVALID', detail: string) {
  // The body of a refused call is never read: close instead of draining it (imports may be 64 MiB).
  reply.header('connection', 'close');
  if (code === 'SESSION_EXPIRED') reply.clearCookie(CONSOLE_SESSION_COOKIE, sessionCookieOptions);
  return new MadoguchiError(code, detail);
}

/** Steps 1–3 above; sets request.staff. */
async function guard(context: CenterContext, name: ConsoleRouteName, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const spec: ConsoleRouteSpec = consoleApi[name];
  reply.header('cache-control', 'no-store');
  if (spec.permission === 'public') return;
  const token = request.cookies[CONSOLE_SESSION_COOKIE];
  if (!token) throw refuse(reply, 'AUTHENTICATION_REQUIRED', `console ${name}: no session cookie`);
  const session = await useSession(context.database.db, token, context.now(), consoleSettings(context.config).session);
  if (session.state === 'expired') throw refuse(reply, 'SESSION_EXPIRED', `console ${name}: session ended`);
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  if (!mayDo(session.principal, spec.permission, params.municipalityCode ?? null))
    throw refuse(reply, 'FORBIDDEN', `console ${name}: ${session.principal.staffId} may not (${spec.permission})`);
  if (spec.method !== 'GET') {
    const presented = request.headers[CSRF_HEADER];
    if (typeof presented !== 'string' || !constantTimeEqual(presented, session.csrfToken))
      throw refuse(reply, 'CSRF_INVALID', `console ${name}: CSRF token missing or wrong`);
  }
  request.staff = session.principal;
  request.staffSession = { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/** Registers the table's route `name` on the console API scope (`app`, under CONSOLE_API_PREFIX). */
export function consoleRoute<N extends ConsoleRouteName>(
  context: CenterContext,
  app: FastifyInstance,
  name: N,
  handler: (call: ConsoleCall<N>) => Promise<ConsoleResponse<N>>,
): void {
  const spec: ConsoleRouteSpec = consoleApi[name];
  app.withTypeProvider<ZodTypeProvider>().route({
    method: spec.method,
    url: spec.path,
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    schema: {
      // The console has its own OpenAPI document (console-openapi.ts); the kiosk's lists none of these.
      hide: true,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { querystring: spec.query } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      response: { 200: spec.response, '4xx': ErrorBody, '5xx': ErrorBody },
    },
    onRequest: async (request, reply) => guard(context, name, request, reply),
    handler: async (request, reply) =>
      handler({
        staff: (request.staff ?? null) as ConsoleCall<N>['staff'],
        params: request.params as ConsoleParsedParams<N>,
        query: request.query as ConsoleParsedQuery<N>,
        body: request.body as ConsoleParsedBody<N>,
        request,
        reply,
      }),
  });
}
