/**
 * Sign-in throttles, in `staff_sign_in_throttles` (so every center process sees the same counts).
 * Three keys for each attempt, each with its own limit:
 *
 *   key                        limit              lock     why
 *   (account, address) pair     5 in 15 min       15 min   guessing one account from one place
 *   address                    30 in 15 min       15 min   one place guessing many accounts (an office NAT gets room)
 *   account, every address    100 in 1 h          30 min   a guessing attack spread over many addresses
 *
 * A stranger who types a clerk's login id wrong locks only their own pair: the clerk at their own
 * desk is another pair and gets in. Only the account-wide limit locks everyone out of an account,
 * and it takes twenty addresses an hour to keep it locked. Every lock is bounded (MAX_LOCK_MS) and
 * is never extended while it holds: a refused attempt counts nothing.
 *
 * Race-free bookkeeping: an attempt is charged to its keys before its password is checked, in one
 * transaction with the lock check (`chargeAttempt`), and the charge is settled afterwards — given
 * back on success (`settleSuccess`), turned into a lock on failure when the count is reached
 * (`settleFailure`). So attempts in flight at once count against the limit: ten parallel guesses
 * get five password checks, not ten. The slow password check runs between the two transactions,
 * never inside one (on SQLite that would hold the write lock of the whole center for it).
 *
 * Account keys are the SHA-256 of the typed login id, never the login id itself: what is typed
 * there may be a password typed in the wrong field.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StaffSignInThrottlesTable } from '../db/tables/staff.js';
import { sha256Hex } from './secrets.js';

export interface ThrottlePolicy {
  /** Attempts within `windowMs` that lock the key (attempts in flight count). */
  maxFailures: number;
  windowMs: number;
  /** How long a lock lasts (capped at MAX_LOCK_MS). */
  lockMs: number;
}

export const MAX_LOCK_MS = 3_600_000;
export const pairThrottle: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const addressThrottle: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const accountThrottle: ThrottlePolicy = { maxFailures: 100, windowMs: 60 * 60_000, lockMs: 30 * 60_000 };

/** Sign-in transactions that touch throttles are serialized under this name (PostgreSQL advisory lock). */
export const THROTTLE_SERIALIZATION = 'staff-sign-in-throttles';

export interface ThrottleKey {
  kind: 'pair' | 'address' | 'account';
  key: string;
  policy: ThrottlePolicy;
}

const loginKey = (loginId: string) => sha256Hex(loginId.trim().toLowerCase());

/** The keys an attempt with `loginId` from `address` is counted against. */
export const throttleKeys = (loginId: string, address: string): ThrottleKey[] => [
  { kind: 'pair', key: `pair:${loginKey(loginId)}:${address}`, policy: pairThrottle },
  { kind: 'address', key: `address:${address}`, policy: addressThrottle },
  { kind: 'account', key: `account:${loginKey(loginId)}`, policy: accountThrottle },
];

/** One key's count, times in ms since the epoch. */
export interface ThrottleState {
  failures: number;
  windowStartedAt: number;
  lockedUntil: number | null;
}

const windowOpen = (state: ThrottleState, policy: ThrottlePolicy, now: number) => now - state.windowStartedAt < policy.windowMs;

/** Whether `state` refuses an attempt at `now`: a lock holds, or the window's count is reached (in flight included). */
export function isLocked(state: ThrottleState | undefined, policy: ThrottlePolicy, now: number): boolean {
  if (!state) return false;
  if (state.lockedUntil !== null && now < state.lockedUntil) return true;
  return windowOpen(state, policy, now) && state.failures >= policy.maxFailures;
}

/** `state` with one more attempt counted (a new window when the old one has passed). */
export function charged(state: ThrottleState | undefined, policy: ThrottlePolicy, now: number): ThrottleState {
  if (!state || !windowOpen(state, policy, now)) return { failures: 1, windowStartedAt: now, lockedUntil: null };
  return { ...state, failures: state.failures + 1 };
}

/** `state` after a charged attempt failed: locked for lockMs (never over MAX_LOCK_MS) if the count is reached. */
export function afterFailure(state: ThrottleState, policy: ThrottlePolicy, now: number): ThrottleState {
  const lockHolds = state.lockedUntil !== null && now < state.lockedUntil;
  if (lockHolds || !windowOpen(state, policy, now) || state.failures < policy.maxFailures) return state;
  // The count starts again with the lock: when it ends, the key has its whole allowance back.
  return { failures: 0, windowStartedAt: now, lockedUntil: now + Math.min(policy.lockMs, MAX_LOCK_MS) };
}

/** `state` with a charged attempt given back (it succeeded). */
export const refunded = (state: ThrottleState): ThrottleState => ({ ...state, failures: Math.max(0, state.failures - 1) });

const stateOf = (row: StaffSignInThrottlesTable): ThrottleState => ({
  failures: row.failures,
  windowStartedAt: Date.parse(row.window_started_at),
  lockedUntil: row.locked_until === null ? null : Date.parse(row.locked_until),
});

async function readStates(trx: Transaction<Database>, keys: ThrottleKey[]): Promise<Map<string, ThrottleState>> {
  const names = keys.map((k) => k.key);
  const rows = await trx.selectFrom('staff_sign_in_throttles').selectAll().where('throttle_key', 'in', names).execute();
  return new Map(rows.map((row) => [row.throttle_key, stateOf(row)]));
}

async function writeState(trx: Transaction<Database>, key: string, state: ThrottleState, existed: boolean): Promise<void> {
  const values = {
    failures: state.failures,
    window_started_at: new Date(state.windowStartedAt).toISOString(),
    locked_until: state.lockedUntil === null ? null : new Date(state.lockedUntil).toISOString(),
  };
  if (existed) await trx.updateTable('staff_sign_in_throttles').set(values).where('throttle_key', '=', key).execute();
  else
    await trx
      .insertInto('staff_sign_in_throttles')
      .values({ throttle_key: key, ...values })
      .execute();
}

/**
 * In a transaction serialized as THROTTLE_SERIALIZATION: false if any key is locked (nothing
 * counted), else the attempt charged to every key.
 */
export async function chargeAttempt(trx: Transaction<Database>, keys: ThrottleKey[], now: Date): Promise<boolean> {
  const states = await readStates(trx, keys);
  if (keys.some(({ key, policy }) => isLocked(states.get(key), policy, now.getTime()))) return false;
  for (const { key, policy } of keys) await writeState(trx, key, charged(states.get(key), policy, now.getTime()), states.has(key));
  return true;
}

/** The charged attempt failed: each key whose count is reached locks. */
export async function settleFailure(trx: Transaction<Database>, keys: ThrottleKey[], now: Date): Promise<void> {
  const states = await readStates(trx, keys);
  for (const { key, policy } of keys) {
    const state = states.get(key);
    if (!state) continue;
    const next = afterFailure(state, policy, now.getTime());
    if (next !== state) await writeState(trx, key, next, true);
  }
}

/**
 * The charged attempt succeeded: the pair's count is cleared (the person at that desk got in), the
 * address and the account get their charge back and keep the rest — a success does not wipe out
 * what other pairs failed.
 */
export async function settleSuccess(trx: Transaction<Database>, keys: ThrottleKey[]): Promise<void> {
  const pairs = keys.filter((k) => k.kind === 'pair').map((k) => k.key);
  const others = keys.filter((k) => k.kind !== 'pair');
  if (pairs.length) await trx.deleteFrom('staff_sign_in_throttles').where('throttle_key', 'in', pairs).execute();
  const states = await readStates(trx, others);
  for (const { key } of others) {
    const state = states.get(key);
    if (state) await writeState(trx, key, refunded(state), true);
  }
}
