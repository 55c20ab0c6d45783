/**
 * The staff console under CONSOLE_PATH: its API under CONSOLE_API_PREFIX (routes from the console
 * route table, behind staff sessions — never a kiosk certificate), its own OpenAPI document, and
 * the built console app (apps/console/dist) with a single-page fallback: a /console/* path that is
 * not a file and not the API answers index.html, and the app routes in the browser. Not built: a
 * 503 page saying how to build it.
 *
 * Security headers (@fastify/helmet) apply to this scope only: a strict CSP (no inline script, no
 * eval, no framing, no plugins, no <base>; images from the app, data: and blob: URLs for the seal
 * and QR previews; a blob: worker for the PDF preview). The API answers Cache-Control: no-store.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_API_PREFIX, CONSOLE_OPENAPI_PATH, CONSOLE_PATH } from '@madoguchi/shared';
import { consoleSettings } from '../config.js';
import { registerMunicipalityRoutes } from '../console/municipality-routes.js';
import { registerAnomalyRoutes } from '../console/anomaly-routes.js';
import { registerBillingRoutes } from '../console/billing-routes.js';
import { registerFleetRoutes } from '../console/fleet-routes.js';
import { registerIssuanceLogRoutes } from '../console/issuance-log-routes.js';
import { registerStatisticsRoutes } from '../console/statistics-routes.js';
import { registerAccountRoutes } from '../staff/account-routes.js';
import { registerEnrolmentRoutes } from '../staff/enrolment-routes.js';
import { registerSessionRoutes } from '../staff/session-routes.js';
import { consoleOpenApiDocument } from './console-openapi.js';
import type { CenterContext } from './context.js';
import { sendError } from './error-handler.js';

export const consoleContentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Not `style-src 'self'; style-src-attr 'unsafe-inline'`: react-aria-components inserts one
  // <style id="react-aria-pressable-style"> element at run time (touch-action for pressable
  // widgets), which that refuses on every page (checked in Debian Chromium, 2026-12). A hash would
  // pin the kit's internal CSS text to one version, a nonce would need index.html rewritten per
  // answer. Styles cannot run code; scripts stay strict.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  workerSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

const isApiPath = (url: string) =>
  url === CONSOLE_API_PREFIX || url.startsWith(`${CONSOLE_API_PREFIX}/`) || url.startsWith(`${CONSOLE_API_PREFIX}?`);

const notBuiltPage =
  '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Madoguchi console</title></head><body>' +
  '<h1>管理画面はまだビルドされていません / The console is not built</h1>' +
  '<p>次を実行してからセンターを再起動してください / Build it, then restart the center:</p>' +
  '<pre>corepack pnpm --filter @madoguchi/console build</pre></body></html>';

function consoleApiScope(context: CenterContext): FastifyPluginAsync {
  return async (api) => {
    api.setNotFoundHandler({ preHandler: api.rateLimit({ max: 30, timeWindow: '1 minute' }) }, (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return sendError(reply, 'NOT_FOUND');
    });
    api.get(CONSOLE_OPENAPI_PATH.slice(CONSOLE_API_PREFIX.length), { schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return consoleOpenApiDocument();
    });
    registerSessionRoutes(context, api);
    registerEnrolmentRoutes(context, api);
    registerAccountRoutes(context, api);
    registerMunicipalityRoutes(context, api);
    registerIssuanceLogRoutes(context, api);
    registerAnomalyRoutes(context, api);
    registerFleetRoutes(context, api);
    registerBillingRoutes(context, api);
    registerStatisticsRoutes(context, api);
  };
}

async function serveApp(app: FastifyInstance, appDir: string): Promise<void> {
  const indexFile = join(appDir, 'index.html');
  if (!existsSync(indexFile)) {
    const notBuilt = async (request: FastifyRequest, reply: FastifyReply) => {
      if (isApiPath(request.url)) return sendError(reply.header('cache-control', 'no-store'), 'NOT_FOUND');
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notBuiltPage);
    };
    app.get('/', { schema: { hide: true } }, notBuilt);
    app.get('/*', { schema: { hide: true } }, notBuilt);
    return;
  }
  await app.register(fastifyStatic, { root: appDir, prefix: '/', index: false, wildcard: true, schemaHide: true });
  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  app.setNotFoundHandler(async (request, reply) => {
    if (isApiPath(request.url)) return sendError(reply.header('cache-control', 'no-store'), 'NOT_FOUND');
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(reply, 'NOT_FOUND');
    return sendIndex(reply);
  });
}

/** Registered by app.ts with prefix CONSOLE_PATH. */
export function consolePlugin(context: CenterContext): FastifyPluginAsync {
  return async (scope) => {
    await scope.register(fastifyCookie);
    await scope.register(fastifyHelmet, {
      contentSecurityPolicy: { useDefaults: false, directives: consoleContentSecurityPolicy },
      // The API is same-origin only; nothing here is meant to be embedded or opened cross-origin.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    });
    await scope.register(consoleApiScope(context), { prefix: CONSOLE_API_PREFIX.slice(CONSOLE_PATH.length) });
    await serveApp(scope, consoleSettings(context.config).appDir);
  };
}
