/**
 * Staff accounts and import API tokens through the console. The route helper has already checked
 * the permission for the municipality in the path; these handlers read and change only rows of
 * that municipality (an id from another one is not found), and service-wide lists show municipal
 * staff their own municipality only.
 */
import type { FastifyInstance } from 'fastify';
import { MadoguchiError, Municipality, isMunicipalRole } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute, type StaffPrincipal } from '../http/console-route.js';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.js';
import { changeRole, createStaff, disableStaff, listStaff } from './staff-store.js';

/** Municipal staff see their own municipality's rows; operators and auditors see all. */
const visibleTo = (staff: StaffPrincipal) => (isMunicipalRole(staff.role) ? staff.municipalityCode : 'all');

function registerStaffRoutes(context: CenterContext, app: FastifyInstance): void {
  const { database } = context;
  consoleRoute(context, app, 'serviceStaff', async ({ staff }) => ({ staff: await listStaff(database.db, visibleTo(staff)) }));
  consoleRoute(context, app, 'createServiceStaff', async ({ staff, body }) => {
    if (isMunicipalRole(body.role))
      throw new MadoguchiError('INPUT_INVALID', 'municipal staff are created under their municipality', [
        { path: 'role', message: 'operator or auditor' },
      ]);
    return createStaff(database, staff, { loginId: body.loginId, role: body.role, municipalityCode: null }, context.now());
  });
  consoleRoute(context, app, 'staff', async ({ params }) => ({ staff: await listStaff(database.db, params.municipalityCode) }));
  consoleRoute(context, app, 'createStaff', async ({ staff, params, body }) =>
    createStaff(database, staff, { loginId: body.loginId, role: body.role, municipalityCode: params.municipalityCode }, context.now()),
  );
  consoleRoute(context, app, 'disableStaff', async ({ staff, params }) =>
    disableStaff(database, staff, params.staffId, params.municipalityCode, context.now()),
  );
  consoleRoute(context, app, 'changeRole', async ({ staff, params, body }) =>
    changeRole(database, staff, { staffId: params.staffId, municipalityCode: params.municipalityCode, role: body.role }, context.now()),
  );
}

export function registerAccountRoutes(context: CenterContext, app: FastifyInstance): void {
  const { database } = context;
  consoleRoute(context, app, 'municipalities', async ({ staff }) => {
    let query = database.db.selectFrom('municipalities').select('data').orderBy('code');
    const own = visibleTo(staff);
    if (own !== 'all') query = query.where('code', '=', own ?? '');
    const rows = await query.execute();
    return {
      municipalities: rows.map((row) => {
        const { code, prefecture, name } = Municipality.parse(JSON.parse(row.data));
        return { code, prefecture, name };
      }),
    };
  });
  registerStaffRoutes(context, app);
  consoleRoute(context, app, 'apiTokens', async ({ params }) => ({ tokens: await listApiTokens(database.db, params.municipalityCode) }));
  consoleRoute(context, app, 'createApiToken', async ({ staff, params, body }) =>
    createApiToken(database, staff.staffId, params.municipalityCode, body.label, context.now()),
  );
  consoleRoute(context, app, 'revokeApiToken', async ({ staff, params }) =>
    revokeApiToken(database, staff.staffId, params.municipalityCode, params.tokenId, context.now()),
  );
}
