/**
 * Anomalies: incidents (acknowledge, resolve), disposals (処分), audit-chain verification and signed daily heads (issue 12 item 2).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 */
import type { ConsoleRouteSpec } from '../console-routes.js';

export const anomalyRoutes = {} as const satisfies Record<string, ConsoleRouteSpec>;
