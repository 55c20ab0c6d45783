/**
 * The admin API's gate: one Fastify plugin that owns the /admin scope. Every request is rate-limited
 * per client address, then its bearer token is checked — both in `onRequest`, before a byte of the
 * body is read, because admin bodies may be 64 MiB and an anonymous caller must not make the center
 * buffer and parse that much. The admin route plugins are registered inside this scope and carry no
 * authentication of their own; they read who called from `request.adminPrincipal`.
 *
 * The credential is a staff member's import API token (staff/api-tokens.ts: live while not revoked
 * and its creator active; scoped to one municipality), or — deprecated — the shared
 * MADOGUCHI_ADMIN_TOKEN, still accepted with a warning in the log (at start, and at most once a
 * minute on use). The gate is always mounted: tokens live in the database.
 *
 *   no Authorization header, or not a Bearer one  → 401 AUTHENTICATION_REQUIRED
 *   a Bearer token that is no live credential      → 403 FORBIDDEN
 *   too many requests from one address             → 429 RATE_LIMITED
 *
 * A refused request's body is never read: the answer says `Connection: close`, so Node closes the
 * socket once the answer is out instead of draining (up to) the announced body to reuse it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { useApiToken, type TokenPrincipal } from '../staff/api-tokens.js';

export type AdminPrincipal = TokenPrincipal | { kind: 'legacy' };

declare module 'fastify' {
  interface FastifyRequest {
    /** Who called the admin API (set by the gate before any admin route runs). */
    adminPrincipal?: AdminPrincipal;
  }
}

export interface AdminAuthOptions {
  /** The deprecated shared bearer token (MADOGUCHI_ADMIN_TOKEN), if still configured. */
  legacyToken?: string;
  database: CenterDatabase;
  now: () => Date;
  /** Requests per client address per window; default 60 a minute (imports are few and large). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** The admin route plugins, mounted behind the gate. */
  routes: FastifyPluginAsync[];
}

export const defaultAdminRateLimit = { max: 60, timeWindowMs: 60_000 };

const digest = (value: string) => createHash('sha256').update(value).digest();

export const LEGACY_TOKEN_WARNING =
  'MADOGUCHI_ADMIN_TOKEN is deprecated: create a per-user import API token in the console (or `staff token create`) and unset it';

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** Which refusal a presented Authorization header earns against one token's digest, or null when it carries it. */
export function bearerRefusal(header: string | undefined, expectedDigest: Buffer): ErrorCode | null {
  const token = bearerToken(header);
  if (token === null) return 'AUTHENTICATION_REQUIRED';
  // Compared as digests in constant time: the token's length and content never show in timing.
  return timingSafeEqual(digest(token), expectedDigest) ? null : 'FORBIDDEN';
}

/** Warns at most once per `intervalMs` (a busy importer must not flood the log). */
function rateLimitedWarning(log: FastifyBaseLogger, now: () => Date, intervalMs = 60_000) {
  let last = -Infinity;
  return () => {
    const at = now().getTime();
    if (at - last < intervalMs) return;
    last = at;
    log.warn({ code: 'ADMIN_TOKEN_DEPRECATED' }, LEGACY_TOKEN_WARNING);
  };
}

export const adminAuth: FastifyPluginAsync<AdminAuthOptions> = async (admin, options) => {
  const legacy = options.legacyToken ? digest(options.legacyToken) : null;
  if (legacy) admin.log.warn({ code: 'ADMIN_TOKEN_DEPRECATED' }, LEGACY_TOKEN_WARNING);
  const warnLegacyUse = rateLimitedWarning(admin.log, options.now);
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
    const token = bearerToken(request.headers.authorization);
    if (token === null) return refuse(reply, 'AUTHENTICATION_REQUIRED', 'admin API: no bearer token');
    const principal = await useApiToken(options.database.db, token, options.now());
    if (principal) {
      request.adminPrincipal = principal;
      return;
    }
    if (legacy && bearerRefusal(request.headers.authorization, legacy) === null) {
      warnLegacyUse();
      request.adminPrincipal = { kind: 'legacy' };
      return;
    }
    refuse(reply, 'FORBIDDEN', 'admin API: no live token');
  });

  for (const routes of options.routes) await admin.register(routes);
};
