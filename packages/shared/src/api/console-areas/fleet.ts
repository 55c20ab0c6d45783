/**
 * The kiosk fleet: store chains, heartbeats, last seen and state per store, enrol and revoke (issue 12 item 3).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 */
import type { ConsoleRouteSpec } from '../console-routes.js';

export const fleetRoutes = {} as const satisfies Record<string, ConsoleRouteSpec>;
