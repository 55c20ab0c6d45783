/**
 * Starts the center: `pnpm --filter @madoguchi/center start [--state DIR] [--host H] [--port P]`.
 * Reads the rest from the environment (see configFromEnv), listens over HTTPS, prints one line
 * with its URL, and closes gracefully on SIGINT/SIGTERM (in-flight requests finish, the sweeper
 * and render workers stop, the database closes).
 */
import { parseArgs } from 'node:util';
import { API_PREFIX } from '@madoguchi/shared';
import { buildApp } from './app.js';
import { configFromEnv } from './config.js';
import { openDatabase } from './db/database.js';
import { createDefaultServices } from './issuance/default-services.js';
import { renderDelayFromEnv, withRenderDelay } from './issuance/test-render-delay.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { state: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } } });
  const config = configFromEnv(process.env, {
    stateDir: values.state,
    host: values.host,
    port: values.port ? Number(values.port) : undefined,
  });
  const now = clockFromEnv(process.env.MADOGUCHI_CLOCK);
  const renderDelay = renderDelayFromEnv(process.env.MADOGUCHI_TEST_RENDER_DELAY, now !== undefined);
  // Tests only (load runs): the slowed renderer needs the services built here, on a database opened here.
  const database = renderDelay ? await openDatabase(config.database) : undefined;
  const app = await buildApp(config, {
    ...(now ? { now } : {}),
    ...(database && renderDelay ? { database, services: withRenderDelay(createDefaultServices(database, config), renderDelay) } : {}),
  });
  if (database) app.addHook('onClose', () => database.close());
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`madoguchi center listening on https://${config.host}:${port}${API_PREFIX}\n`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    const force = setTimeout(() => process.exit(1), shutdownGraceMs(process.env.MADOGUCHI_SHUTDOWN_GRACE_MS));
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * How long a closing center lets calls in flight finish before it exits anyway. Longer than a kiosk
 * waits for one center (a payment's attempt: 40 s, apps/kiosk/src/main/center/center-client.ts), so a
 * deploy's SIGTERM never cuts a call its kiosk still waits for: at 10 s, a rolling restart under load
 * cut a closing center's payments and residents were turned away (docs/load.md#faulted-runs). A
 * closing center takes no new connections and answers `Connection: close`, so kiosks go to the other
 * center meanwhile. MADOGUCHI_SHUTDOWN_GRACE_MS sets another (a service manager's stop timeout must
 * be longer).
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 45_000;

function shutdownGraceMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SHUTDOWN_GRACE_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`MADOGUCHI_SHUTDOWN_GRACE_MS is a whole number of milliseconds: ${value}`);
  return ms;
}

/**
 * MADOGUCHI_CLOCK=<ISO instant> runs the center's clock from that instant onwards (demos and
 * end-to-end tests: service hours are 06:30–23:00 Japan time, so a demo started at night would
 * refuse everything). Never set it in production; the center says so at start.
 */
function clockFromEnv(value: string | undefined): (() => Date) | undefined {
  if (!value) return undefined;
  const start = Date.parse(value);
  if (Number.isNaN(start)) throw new Error(`MADOGUCHI_CLOCK is not an ISO instant: ${value}`);
  const realStart = Date.now();
  process.stderr.write(`madoguchi center: demo clock in use, starting at ${value} (MADOGUCHI_CLOCK); never use this in production\n`);
  return () => new Date(start + (Date.now() - realStart));
}

main().catch((error: unknown) => {
  process.stderr.write(`madoguchi center failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
