/**
 * The console's session routes: sign in (sets the session cookie), who am I (with the CSRF token),
 * sign out, change the own password (ends the other sessions).
 */
import type { FastifyInstance } from 'fastify';
import { CONSOLE_SESSION_COOKIE, MadoguchiError, StaffRole } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { consoleSettings } from '../config.js';
import { writeTransaction } from '../db/database.js';
import type { CenterContext } from '../http/context.js';
import { consoleRoute, sessionCookieOptions, type StaffPrincipal } from '../http/console-route.js';
import { hashSecret, verifySecret } from './passwords.js';
import { endSession, endSessionsOf } from './sessions.js';
import { signIn } from './sign-in.js';

const municipalityOf = (staff: Pick<StaffPrincipal, 'municipalityCode'>) =>
  staff.municipalityCode ? { municipalityCode: staff.municipalityCode } : {};

export function registerSessionRoutes(context: CenterContext, app: FastifyInstance): void {
  const { database } = context;
  const policy = () => consoleSettings(context.config).session;

  consoleRoute(context, app, 'signIn', async ({ body, request, reply }) => {
    const { user, session } = await signIn(database, body, request.ip, context.now(), policy(), context.codeClock());
    reply.setCookie(CONSOLE_SESSION_COOKIE, session.token, sessionCookieOptions);
    return {
      staffId: user.staff_id,
      loginId: user.login_id,
      role: StaffRole.parse(user.role),
      municipalityCode: user.municipality_code,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  });

  consoleRoute(context, app, 'me', async ({ staff, request }) => {
    const user = await database.db
      .selectFrom('staff_users')
      .select('login_id')
      .where('staff_id', '=', staff.staffId)
      .executeTakeFirstOrThrow();
    const session = request.staffSession!;
    const { staffId, role, municipalityCode } = staff;
    return { staffId, loginId: user.login_id, role, municipalityCode, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  });

  consoleRoute(context, app, 'signOut', async ({ staff, reply }) => {
    await writeTransaction(database, async (trx) => {
      await endSession(trx, staff.sessionHash);
      await appendAudit(
        trx,
        database.kind,
        { event: 'staff_signed_out', ...municipalityOf(staff), detail: { staffId: staff.staffId } },
        context.now(),
      );
    });
    reply.clearCookie(CONSOLE_SESSION_COOKIE, sessionCookieOptions);
    return { ok: true as const };
  });

  consoleRoute(context, app, 'changePassword', async ({ staff, body }) => {
    const user = await database.db
      .selectFrom('staff_users')
      .select('password_hash')
      .where('staff_id', '=', staff.staffId)
      .executeTakeFirstOrThrow();
    if (!user.password_hash || !(await verifySecret(body.currentPassword, user.password_hash)))
      throw new MadoguchiError('SIGN_IN_FAILED', 'password change: current password wrong');
    const passwordHash = await hashSecret(body.newPassword);
    const now = context.now();
    await writeTransaction(database, async (trx) => {
      await trx
        .updateTable('staff_users')
        .set({ password_hash: passwordHash, updated_at: now.toISOString() })
        .where('staff_id', '=', staff.staffId)
        .execute();
      // Whoever else holds a session of this account (a stolen cookie) is out now.
      await endSessionsOf(trx, staff.staffId, staff.sessionHash);
      await appendAudit(
        trx,
        database.kind,
        { event: 'staff_password_changed', ...municipalityOf(staff), detail: { staffId: staff.staffId } },
        now,
      );
    });
    return { ok: true as const };
  });
}
