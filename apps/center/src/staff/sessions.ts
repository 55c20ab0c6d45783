/**
 * Staff sessions, server-side in `staff_sessions`. The cookie holds a random token; the table keeps
 * its SHA-256 (a copy of the table gives no working cookie), the session's CSRF token, when it was
 * last used (idle expiry) and when it ends at the latest (absolute expiry).
 *
 * Why not @fastify/session: its store is keyed by the session id itself (we keep only a hash), it
 * has idle expiry through a rolling cookie but no absolute limit of its own, and ending every
 * session of one account (disable, role or password change) would mean scanning its store. The
 * whole layer is these few queries; @fastify/cookie parses and writes the cookie.
 */
import type { Kysely, Transaction } from 'kysely';
import { StaffRole } from '@madoguchi/shared';
import type { Database } from '../db/schema.js';
import { randomToken, sha256Hex } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SessionPolicy {
  /** A session unused for this long ends (default 30 min). */
  idleMs: number;
  /** A session ends this long after sign-in whatever its use (default 12 h). */
  absoluteMs: number;
}

export interface StaffPrincipal {
  staffId: string;
  role: StaffRole;
  municipalityCode: string | null;
  sessionHash: string;
}

export interface OpenedSession {
  /** The cookie's value: shown once, never stored. */
  token: string;
  sessionHash: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function openSession(
  db: Db,
  staffId: string,
  now: Date,
  policy: SessionPolicy,
  clientAddress: string | null,
): Promise<OpenedSession> {
  const token = randomToken(32);
  const session = {
    token,
    sessionHash: sha256Hex(token),
    csrfToken: randomToken(32),
    expiresAt: new Date(now.getTime() + policy.absoluteMs),
  };
  await db
    .insertInto('staff_sessions')
    .values({
      session_hash: session.sessionHash,
      staff_id: staffId,
      csrf_token: session.csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: session.expiresAt.toISOString(),
      client_address: clientAddress,
    })
    .execute();
  return session;
}

export type SessionLookup = { state: 'live'; principal: StaffPrincipal; csrfToken: string; expiresAt: string } | { state: 'expired' };

/**
 * The live session of a cookie token, its use recorded; an expired one is deleted. A session
 * whose account is no longer active is dead too (its rows are deleted when that happens, this is
 * belt and braces).
 */
export async function useSession(db: Db, token: string, now: Date, policy: SessionPolicy): Promise<SessionLookup> {
  const sessionHash = sha256Hex(token);
  const row = await db
    .selectFrom('staff_sessions')
    .innerJoin('staff_users', 'staff_users.staff_id', 'staff_sessions.staff_id')
    .select([
      'staff_sessions.staff_id',
      'staff_sessions.csrf_token',
      'staff_sessions.last_seen_at',
      'staff_sessions.expires_at',
      'staff_users.role',
      'staff_users.municipality_code',
      'staff_users.status',
    ])
    .where('staff_sessions.session_hash', '=', sessionHash)
    .executeTakeFirst();
  if (!row) return { state: 'expired' };
  const idleEnd = Date.parse(row.last_seen_at) + policy.idleMs;
  const role = StaffRole.safeParse(row.role);
  if (row.status !== 'active' || !role.success || now.getTime() >= idleEnd || now.getTime() >= Date.parse(row.expires_at)) {
    await db.deleteFrom('staff_sessions').where('session_hash', '=', sessionHash).execute();
    return { state: 'expired' };
  }
  await db.updateTable('staff_sessions').set({ last_seen_at: now.toISOString() }).where('session_hash', '=', sessionHash).execute();
  return {
    state: 'live',
    principal: { staffId: row.staff_id, role: role.data, municipalityCode: row.municipality_code, sessionHash },
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}

export async function endSession(db: Db, sessionHash: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('session_hash', '=', sessionHash).execute();
}

/** Ends every session of an account (disabled, role changed), or all but one (password changed). */
export async function endSessionsOf(db: Db, staffId: string, except?: string): Promise<void> {
  let query = db.deleteFrom('staff_sessions').where('staff_id', '=', staffId);
  if (except) query = query.where('session_hash', '!=', except);
  await query.execute();
}
