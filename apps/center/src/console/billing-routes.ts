/**
 * The console routes of billing (ledger, close, statements, settlements), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). A
 * service-wide `read` route filters to the staff member's own municipality for municipal roles.
 */
import type { FastifyInstance } from 'fastify';
import { billingRoutes, type ConsoleRouteName } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute } from '../http/console-route.js';

export function registerBillingRoutes(context: CenterContext, app: FastifyInstance): void {
  // The contract first (H6 builds the pages on it); each handler answers 501 until it is built.
  for (const name of Object.keys(billingRoutes) as ConsoleRouteName[])
    consoleRoute(
      context,
      app,
      name,
      async ({ reply }) => reply.code(501).send({ error: { code: 'INTERNAL', message: 'not built yet' } }) as never,
    );
}
