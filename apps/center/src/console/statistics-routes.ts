/**
 * The console routes of statistics, registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). A
 * service-wide `read` route filters to the staff member's own municipality for municipal roles.
 */
import type { FastifyInstance } from 'fastify';
import { isMunicipalRole } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute, type StaffPrincipal } from '../http/console-route.js';
import { costPerCertificate } from '../statistics/cost-per-certificate.js';
import { statisticsFigures } from '../statistics/statistics-figures.js';

/** Municipal staff see their own municipality whatever they ask; operators and auditors what they choose (none: all). */
const scopedMunicipality = (staff: StaffPrincipal, asked: string | undefined): string | null =>
  isMunicipalRole(staff.role) ? staff.municipalityCode : (asked ?? null);

export function registerStatisticsRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'statistics', async ({ staff, query }) =>
    statisticsFigures(context.database, {
      municipalityCode: scopedMunicipality(staff, query.municipalityCode),
      from: query.from,
      to: query.to,
    }),
  );
  consoleRoute(context, app, 'costPerCertificate', async ({ staff, query }) =>
    costPerCertificate(context.database, query.fiscalYear, scopedMunicipality(staff, query.municipalityCode)),
  );
}
