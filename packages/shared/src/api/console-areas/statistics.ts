/**
 * Statistics: issuances, refusals, refunds, kiosk timings and cost per certificate, each chart also a table (issue 12 item 5).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 */
import type { ConsoleRouteSpec } from '../console-routes.js';

export const statisticsRoutes = {} as const satisfies Record<string, ConsoleRouteSpec>;
