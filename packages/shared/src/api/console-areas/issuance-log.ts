/**
 * The issuance log (交付履歴の検索): search, timeline, personal-data reveal, CSV export (issue 12 item 1).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 */
import type { ConsoleRouteSpec } from '../console-routes.js';

export const issuanceLogRoutes = {} as const satisfies Record<string, ConsoleRouteSpec>;
