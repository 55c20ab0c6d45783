/**
 * The municipality pages' console routes (offerings, fees, hours, outages, head and seal, previews,
 * imports, 本籍地 registrations, history), registered from the console route table through
 * http/console-route.ts, which has authenticated the staff member and checked the route's
 * permission for the municipality in the path before a handler runs.
 */
import type { FastifyInstance } from 'fastify';
import type { CenterContext } from '../http/context.js';

export function registerMunicipalityRoutes(_context: CenterContext, _app: FastifyInstance): void {
  // Filled in by the municipality pages (issue 11).
}
