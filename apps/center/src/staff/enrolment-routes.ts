/** The enrolment link's routes: public, the link's token is the credential (enrolment.ts). */
import type { FastifyInstance } from 'fastify';
import type { CenterContext } from '../http/context.js';
import { consoleRoute } from '../http/console-route.js';
import { completeEnrolment, openEnrolment } from './enrolment.js';

export function registerEnrolmentRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'enrolment', async ({ params }) => openEnrolment(context.database, params.token, context.now()));
  consoleRoute(context, app, 'completeEnrolment', async ({ params, body }) =>
    completeEnrolment(context.database, params.token, body, context.now(), context.codeClock()),
  );
}
