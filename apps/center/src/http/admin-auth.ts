/**
 * The admin API's gate: one Fastify plugin that owns the /admin scope. Every request is rate-limited
 * per client address, then its bearer token is checked — both in `onRequest`, before a byte of the
 * body is read, because admin bodies may be 64 MiB (seal images) and an anonymous caller must not
 * make the center buffer and parse that much. The admin route plugins are registered inside this
 * scope and carry no authentication of their own.
 *
 *   no Authorization header, or not a Bearer one  → 401 AUTHENTICATION_REQUIRED
 *   a Bearer token that is not the admin token     → 403 FORBIDDEN
 *   too many requests from one address             → 429 RATE_LIMITED
 *
 * A refused request's body is never read: the answer says `Connection: close`, so Node closes the
 * socket once the answer is out instead of draining (up to) the announced body to reuse it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';

export interface AdminAuthOptions {
  /** The bearer token (≥ 32 characters, checked by the configuration). */
  token: string;
  /** Requests per client address per window; default 60 a minute (imports are few and large). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** The admin route plugins, mounted behind the gate. */
  routes: FastifyPluginAsync[];
}

export const defaultAdminRateLimit = { max: 60, timeWindowMs: 60_000 };

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Which refusal a presented Authorization header earns, or null when it carries the admin token. */
export function bearerRefusal(header: string | undefined, expectedDigest: Buffer): ErrorCode | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  if (!match) return 'AUTHENTICATION_REQUIRED';
  // Compared as digests in constant time: the token's length and content never show in timing.
  return timingSafeEqual(digest(match[1]!), expectedDigest) ? null : 'FORBIDDEN';
}

export const adminAuth: FastifyPluginAsync<AdminAuthOptions> = async (admin, options) => {
  const expected = digest(options.token);
  const limit = options.rateLimit ?? defaultAdminRateLimit;
  const refuse = (reply: FastifyReply, code: ErrorCode, detail: string) => {
    reply.header('connection', 'close');
    if (code === 'AUTHENTICATION_REQUIRED') reply.header('www-authenticate', 'Bearer realm="madoguchi-admin"');
    throw new MadoguchiError(code, detail);
  };
  const rateLimited = admin.rateLimit({ max: limit.max, timeWindow: limit.timeWindowMs });

  admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await rateLimited.call(admin, request, reply);
    } catch (error) {
      reply.header('connection', 'close');
      throw error;
    }
  });
  admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const refusal = bearerRefusal(request.headers.authorization, expected);
    if (refusal) refuse(reply, refusal, refusal === 'FORBIDDEN' ? 'admin API: wrong bearer token' : 'admin API: no bearer token');
  });

  for (const routes of options.routes) await admin.register(routes);
};
