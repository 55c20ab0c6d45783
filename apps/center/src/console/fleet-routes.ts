/**
 * The console routes of the kiosk fleet (heartbeats seen, enrol, revoke), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). A
 * service-wide `read` route filters to the staff member's own municipality for municipal roles.
 */
import type { FastifyInstance } from 'fastify';
import type { CenterContext } from '../http/context.js';

export function registerFleetRoutes(_context: CenterContext, _app: FastifyInstance): void {}
