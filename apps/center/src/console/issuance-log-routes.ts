/**
 * The console routes of the issuance log (search, timeline, reveal, CSV export), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). A
 * service-wide `read` route filters to the staff member's own municipality for municipal roles.
 */
import type { FastifyInstance } from 'fastify';
import type { CenterContext } from '../http/context.js';

export function registerIssuanceLogRoutes(_context: CenterContext, _app: FastifyInstance): void {}
