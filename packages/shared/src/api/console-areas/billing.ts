/**
 * Billing: the append-only ledger, store commission, participation charges, monthly close, statements and settlements (issue 12 item 4).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 */
import type { ConsoleRouteSpec } from '../console-routes.js';

export const billingRoutes = {} as const satisfies Record<string, ConsoleRouteSpec>;
