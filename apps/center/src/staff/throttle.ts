/**
 * Sign-in throttles, per account and per client address, in `staff_sign_in_throttles` (so every
 * center process sees the same counts). Failures are counted in a window; reaching the limit locks
 * the key until a time — always bounded (at most an hour), so a stranger who types someone's login
 * id wrong on purpose can keep them out for minutes, never for good. A locked key is refused with
 * SIGN_IN_LOCKED before any password is checked.
 *
 * The account key is the SHA-256 of the typed login id, never the login id itself: what is typed
 * there may be a password typed in the wrong field.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { sha256Hex } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ThrottlePolicy {
  /** Failures within `windowMs` that lock the key. */
  maxFailures: number;
  windowMs: number;
  /** How long a lock lasts (capped at MAX_LOCK_MS). */
  lockMs: number;
}

export const MAX_LOCK_MS = 3_600_000;
export const accountThrottle: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** An address may be a whole office behind one NAT: more room, the same bounded lock. */
export const addressThrottle: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export const accountKey = (loginId: string) => `account:${sha256Hex(loginId.trim().toLowerCase())}`;
export const addressKey = (address: string) => `address:${address}`;

/** Whether any of `keys` is locked at `now`. */
export async function isLocked(db: Db, keys: string[], now: Date): Promise<boolean> {
  const rows = await db.selectFrom('staff_sign_in_throttles').select('locked_until').where('throttle_key', 'in', keys).execute();
  return rows.some((row) => row.locked_until !== null && Date.parse(row.locked_until) > now.getTime());
}

/** Counts a failure against `key`, locking it when the window's count reaches the limit. */
export async function recordFailure(db: Db, key: string, policy: ThrottlePolicy, now: Date): Promise<void> {
  const row = await db.selectFrom('staff_sign_in_throttles').selectAll().where('throttle_key', '=', key).executeTakeFirst();
  const windowOpen = row && now.getTime() - Date.parse(row.window_started_at) < policy.windowMs;
  const failures = windowOpen ? row.failures + 1 : 1;
  const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + Math.min(policy.lockMs, MAX_LOCK_MS)).toISOString() : null;
  const values = {
    failures: lockedUntil ? 0 : failures,
    window_started_at: windowOpen ? row.window_started_at : now.toISOString(),
    locked_until: lockedUntil,
  };
  if (row) await db.updateTable('staff_sign_in_throttles').set(values).where('throttle_key', '=', key).execute();
  else
    await db
      .insertInto('staff_sign_in_throttles')
      .values({ throttle_key: key, ...values })
      .execute();
}

/** A successful sign-in clears its account's count (the address keeps its own). */
export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('staff_sign_in_throttles').where('throttle_key', '=', key).execute();
}
