/**
 * buildApp(config) builds the center's Fastify server without listening, so tests can build it,
 * inject requests, or listen on 127.0.0.1:0 over real TLS. Plugins in tiers:
 *   external  rate limiting, OpenAPI (swagger)
 *   app       error handling, zod validation, the center context (database, trust, keys)
 *   routes    kiosk API (mutual TLS) under API_PREFIX, the OpenAPI document, public verification page,
 *             the staff console and its API under /console (http/console-plugin.ts, staff sessions),
 *             the municipal-data import API under /admin (behind http/admin-auth.ts: import API tokens)
 * Closing the app stops the sweeper and CRL refresh, drains requests, closes the renderer pool and
 * the database.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { API_PREFIX, CONSOLE_PATH, OPENAPI_PATH } from '@madoguchi/shared';
import { RevocationChecker } from './auth/crl.js';
import { TrustAnchors } from './auth/trust-anchors.js';
import type { CenterConfig } from './config.js';
import { openDatabase, type CenterDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { adminAuth } from './http/admin-auth.js';
import { consolePlugin } from './http/console-plugin.js';
import { clientErrorHandler, installErrorHandling, sendError } from './http/error-handler.js';
import type { CenterContext } from './http/context.js';
import { kioskRoutes } from './http/kiosk-routes.js';
import { openApiTransform } from './http/openapi.js';
import { responseSerializerCompiler } from './http/zod.js';
import { loadBindingKey } from './issuance/binding.js';
import { createDefaultServices } from './issuance/default-services.js';
import type { CenterServices } from './issuance/services.js';
import { startSweeper } from './issuance/sweeper.js';
import { startChainHeadTimer } from './audit/chain-heads.js';
import { municipalDataRoutes } from './residents/import-routes.js';
import { verificationRoutes } from './rendering/verification-routes.js';
import { createVerificationPool } from './rendering/verification/verification-pool.js';

export interface BuildOptions {
  /** Use this database instead of opening config.database (the caller closes it). */
  database?: CenterDatabase;
  /** Replace the production services (tests inject a slowed renderer, for instance). */
  services?: CenterServices;
  /** The clock; defaults to the system clock. */
  now?: () => Date;
  /** The clock TOTP codes are checked on; defaults to the system clock, whatever `now` is. */
  codeClock?: () => Date;
  /** Run the sweeper (default true). */
  sweeper?: boolean;
  /** The admin API's per-address request limit (default 60 a minute); load and fuzz tests raise it. */
  adminRateLimit?: { max: number; timeWindowMs: number };
}

export async function buildApp(config: CenterConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openDatabase(config.database));
  await migrate(database);
  // The first resident after a start must not wait for the SQLite thread to load the issuance code (db/database.ts).
  await database.loadUnits?.();
  const services = options.services ?? createDefaultServices(database, config);
  const now = options.now ?? (() => new Date());

  const app = createServer(config);
  // A connection keeps the client certificate it opened with: the kiosk guard reads its fingerprint once per
  // connection (kiosks/mtls.ts). On TLS 1.2 a client could otherwise renegotiate and present another one.
  app.server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
  endConnectionsWhileClosing(app);
  reportOwnTime(app);

  const anchors = TrustAnchors.fromPem(config.cardTrust.trustAnchorsPem);
  const revocation = new RevocationChecker(config.cardTrust.crlPaths, anchors, app.log, { graceMs: config.timeouts.crlGraceMs });
  revocation.start(config.timeouts.crlRefreshMs);
  const context: CenterContext = {
    config,
    database,
    services,
    anchors,
    revocation,
    bindingKey: loadBindingKey(config.bindingKey.privateKeyPem, config.bindingKey.keyId),
    now,
    codeClock: options.codeClock ?? (() => new Date()),
  };

  // --- external
  await app.register(fastifyRateLimit, { global: false });
  await registerOpenApi(app);

  // --- app
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  installErrorHandling(app);
  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 30, timeWindow: '1 minute' }) }, (_request, reply) =>
    sendError(reply, 'NOT_FOUND'),
  );

  // --- routes
  await app.register(kioskRoutes(context), { prefix: API_PREFIX });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  // Public: anyone holding a printed certificate checks its QR code here (no kiosk certificate).
  const verificationPublicKey = createPublicKey(createPrivateKey(config.verificationKey.privateKeyPem));
  // Uploaded documents are verified in a worker thread (deadline, memory limit), never on this one.
  await app.register(verificationRoutes, { verifier: createVerificationPool({ [config.verificationKey.keyId]: verificationPublicKey }) });
  // Staff: the console app and its API, behind staff sessions (never a kiosk certificate).
  await app.register(consolePlugin(context), { prefix: CONSOLE_PATH });
  // The gate checks the token in onRequest, before any admin body (up to 64 MiB) is read. Always
  // mounted: the import API tokens live in the database; the shared token is only a fallback.
  await app.register(adminAuth, {
    prefix: '/admin',
    ...(config.adminToken ? { legacyToken: config.adminToken } : {}),
    database,
    now,
    rateLimit: options.adminRateLimit,
    routes: [municipalDataRoutes({ database, now })],
  });

  const stopSweeper =
    options.sweeper === false
      ? async () => undefined
      : startSweeper(
          database,
          {
            printResultTtlMs: config.timeouts.printResultTtlMs,
            documentTtlMs: config.timeouts.documentTtlMs,
            quoteTtlMs: config.timeouts.quoteTtlMs,
            idempotencyTtlMs: 24 * 3600_000,
          },
          config.timeouts.sweepIntervalMs,
          now,
          app.log,
        );

  // The daily signed head of the chain runs with the sweeper (tests that stop one stop both).
  const stopChainHeads =
    options.sweeper === false || !config.chainHeads
      ? async () => undefined
      : startChainHeadTimer(database, config.chainHeads, config.timeouts.sweepIntervalMs, now, app.log);

  app.addHook('onClose', async () => {
    revocation.stop();
    await stopSweeper();
    await stopChainHeads();
    await services.close?.();
    if (ownsDatabase) await database.close();
  });
  return app;
}

/**
 * A response sent while the center closes (a deploy, SIGTERM) ends its connection. Fastify closes
 * the connections that are idle when close() starts, but a payment still rendering then finishes on
 * a keep-alive socket that close() would wait on for the whole keep-alive timeout (65 s, longer than
 * the kiosk's minute: docs/benchmarks.md#keep-alive). Registered before any route, so it covers all.
 */
function endConnectionsWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: no promise per answer.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * Every answer says how long the center spent on it: `Server-Timing: app;dur=<ms>`, from Node's
 * 'request' event (the head read and parsed; heard before Fastify routes it) to onSend (the body
 * serialized), or to frameworkErrors' answer, which no hook sees. A caller timing answers from outside
 * sees its own stalls and the machine's in its wall time; the console fuzz asserts its 1 s bound on
 * this figure as well, so a client's GC pause is not taken for a slow center (docs/fuzzing.md#time-figures).
 * It leaves out what comes before the event (the accept backlog, the TLS handshake, a head waiting for
 * a busy event loop, its parsing) and the write after; a head the parser refuses (431) never becomes a
 * request and gets none, nor does inject(). It tells a caller little its own clock does not: a
 * sign-in costs the same for an unknown login id on purpose (staff/passwords.ts). A callback hook,
 * not an async one: no promise per answer.
 */
function reportOwnTime(app: FastifyInstance): void {
  app.server.prependListener('request', (request: IncomingMessage) => heardAt.set(request, performance.now()));
  app.addHook('onSend', (request, reply, payload, done) => {
    setOwnTime(request, reply);
    done(null, payload);
  });
}

const heardAt = new WeakMap<IncomingMessage, number>();

function setOwnTime(request: FastifyRequest, reply: FastifyReply): void {
  const start = heardAt.get(request.raw);
  if (start !== undefined) reply.header('server-timing', `app;dur=${(performance.now() - start).toFixed(1)}`);
}

function createServer(config: CenterConfig) {
  return Fastify({
    https: {
      key: config.tls.keyPem,
      cert: config.tls.certPem,
      ca: config.tls.kioskCaPem,
      // Ask every client for a kiosk certificate, but let the kiosk guard refuse with a catalog
      // code: the same port serves public pages that need no certificate.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    logger: {
      level: config.logLevel,
      // Bodies are never logged; these paths are belt and braces for anything that might be.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'body', 'pdf', '*.pdf', 'name', '*.name', 'myNumber', '*.myNumber'],
        censor: '[redacted]',
      },
    },
    requestTimeout: config.timeouts.requestTimeoutMs,
    connectionTimeout: config.timeouts.requestTimeoutMs,
    keepAliveTimeout: config.timeouts.keepAliveTimeoutMs,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // What the router refuses before any route runs (a path parameter over its length, a broken
    // percent-encoding) gets a catalog error like every other refusal, not Fastify's own body.
    frameworkErrors: (error, request, reply) => {
      setOwnTime(request, reply);
      return sendError(reply, (error.statusCode ?? 500) < 500 ? 'INPUT_INVALID' : 'INTERNAL');
    },
    clientErrorHandler,
  });
}

async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Madoguchi issuance center — kiosk API',
        version: '1.0.0',
        description:
          'Built from the kiosk route table, packages/shared/src/api/kiosk-routes.ts. ' +
          'Kiosk routes require a mutual-TLS client certificate from the kiosk CA.',
      },
      tags: [{ name: 'kiosk', description: 'Kiosk ↔ center (mutual TLS)' }],
    },
    transform: openApiTransform,
  });
}
