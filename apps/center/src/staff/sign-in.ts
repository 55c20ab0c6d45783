/**
 * Sign-in, one call: login id, password, and a TOTP code or a recovery code. The answer to any
 * failure is the same SIGN_IN_FAILED, whichever factor was wrong, and an unknown login id costs the
 * same work (a dummy hash), so neither the answer nor its timing tells which accounts exist or
 * which factor was right. A locked pair, address or account (throttle.ts) is refused
 * (SIGN_IN_LOCKED) before the password is looked at. Every sign-in and every refusal is a history
 * row with the account's id (none for an unknown login id — never the typed text) and its
 * municipality.
 *
 * Three short transactions at most, each serialized with every other sign-in's throttle work: the
 * lock check with the attempt's charge (or the refusal when locked); then, after the factors are
 * checked outside any transaction, either the factor spent with the session opened and the charge
 * given back, or the failure settled with its refusal row.
 */
import { MadoguchiError } from '@madoguchi/shared';
import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { StaffUsersTable } from '../db/tables/staff.js';
import { passwordParameters, recoveryCodeParameters, verifyAgainstDummy, verifySecret } from './passwords.js';
import { RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { openSession, type OpenedSession, type SessionPolicy } from './sessions.js';
import { THROTTLE_SERIALIZATION, chargeAttempt, settleFailure, settleSuccess, throttleKeys, type ThrottleKey } from './throttle.js';
import { acceptedTotpStep } from './totp.js';

export interface SignInInput {
  loginId: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
}

type SecondFactor = { kind: 'totp'; step: number } | { kind: 'recovery'; codeHash: string };

async function recoveryCodeMatch(database: CenterDatabase, user: StaffUsersTable | undefined, code: string): Promise<string | null> {
  const rows = user
    ? await database.db
        .selectFrom('staff_recovery_codes')
        .select('code_hash')
        .where('staff_id', '=', user.staff_id)
        .where('used_at', 'is', null)
        .execute()
    : [];
  let found: string | null = null;
  // Every unused hash is checked (and dummies for the missing ones), so timing says nothing.
  for (const row of rows) if ((await verifySecret(code, row.code_hash)) && !found) found = row.code_hash;
  for (let i = rows.length; i < RECOVERY_CODE_COUNT; i++) await verifyAgainstDummy(code, recoveryCodeParameters);
  return found;
}

async function checkFactors(database: CenterDatabase, user: StaffUsersTable | undefined, input: SignInInput, codeNow: Date) {
  const usable = user?.status === 'active' && user.password_hash !== null && user.totp_secret !== null ? user : undefined;
  const passwordOk = usable
    ? await verifySecret(input.password, usable.password_hash!)
    : await verifyAgainstDummy(input.password, passwordParameters);
  let second: SecondFactor | null = null;
  if (input.recoveryCode) {
    const codeHash = await recoveryCodeMatch(database, usable, input.recoveryCode);
    if (codeHash) second = { kind: 'recovery', codeHash };
  } else if (input.totpCode && usable) {
    const step = acceptedTotpStep(usable.totp_secret!, input.totpCode, codeNow, usable.totp_last_step);
    if (step !== null) second = { kind: 'totp', step };
  }
  return usable && passwordOk && second ? { user: usable, second } : null;
}

type Accepted = NonNullable<Awaited<ReturnType<typeof checkFactors>>>;

const serialized = { serializeAs: THROTTLE_SERIALIZATION };

async function auditRefusal(
  trx: Transaction<Database>,
  database: CenterDatabase,
  user: StaffUsersTable | undefined,
  reason: 'credentials' | 'locked',
  now: Date,
) {
  const where = user?.municipality_code ? { municipalityCode: user.municipality_code } : {};
  const detail = { staffId: user?.staff_id ?? null, reason };
  await appendAudit(trx, database.kind, { event: 'staff_sign_in_refused', ...where, detail }, now);
}

/** Spends the factor, gives the charge back and opens the session; null if a racing sign-in spent the factor first. */
async function admit(
  database: CenterDatabase,
  accepted: Accepted,
  keys: ThrottleKey[],
  clientAddress: string,
  now: Date,
  policy: SessionPolicy,
) {
  const { user, second } = accepted;
  return writeTransaction(
    database,
    async (trx) => {
      // The factor is spent inside the WHERE clause: of two racing sign-ins with one code, one wins.
      const spent =
        second.kind === 'totp'
          ? await trx
              .updateTable('staff_users')
              .set({ totp_last_step: second.step })
              .where('staff_id', '=', user.staff_id)
              .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', second.step)]))
              .executeTakeFirst()
          : await trx
              .updateTable('staff_recovery_codes')
              .set({ used_at: now.toISOString() })
              .where('staff_id', '=', user.staff_id)
              .where('code_hash', '=', second.codeHash)
              .where('used_at', 'is', null)
              .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) return null;
      await trx.updateTable('staff_users').set({ last_sign_in_at: now.toISOString() }).where('staff_id', '=', user.staff_id).execute();
      await settleSuccess(trx, keys);
      const session = await openSession(trx, user.staff_id, now, policy, clientAddress);
      const where = user.municipality_code ? { municipalityCode: user.municipality_code } : {};
      await appendAudit(
        trx,
        database.kind,
        { event: 'staff_signed_in', ...where, detail: { staffId: user.staff_id, factor: second.kind } },
        now,
      );
      return session;
    },
    serialized,
  );
}

/** Signs in and opens a session, or throws SIGN_IN_FAILED / SIGN_IN_LOCKED (history written either way). */
export async function signIn(
  database: CenterDatabase,
  input: SignInInput,
  clientAddress: string,
  now: Date,
  policy: SessionPolicy,
  /** The wall clock the TOTP code is checked on (CenterContext.codeClock); `now` serves the rest. */
  codeNow: Date = now,
): Promise<{ user: StaffUsersTable; session: OpenedSession }> {
  const keys = throttleKeys(input.loginId, clientAddress);
  const user = await database.db.selectFrom('staff_users').selectAll().where('login_id', '=', input.loginId).executeTakeFirst();
  const charged = await writeTransaction(
    database,
    async (trx) => {
      if (await chargeAttempt(trx, keys, now)) return true;
      await auditRefusal(trx, database, user, 'locked', now);
      return false;
    },
    serialized,
  );
  if (!charged) throw new MadoguchiError('SIGN_IN_LOCKED', 'sign-in refused: locked');
  const accepted = await checkFactors(database, user, input, codeNow);
  const session = accepted ? await admit(database, accepted, keys, clientAddress, now, policy) : null;
  if (!accepted || !session) {
    await writeTransaction(
      database,
      async (trx) => {
        await settleFailure(trx, keys, now);
        await auditRefusal(trx, database, user, 'credentials', now);
      },
      serialized,
    );
    throw new MadoguchiError('SIGN_IN_FAILED', 'sign-in refused: credentials');
  }
  return { user: { ...accepted.user, last_sign_in_at: now.toISOString() }, session };
}
