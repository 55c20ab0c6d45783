import { describe, expect, it } from 'vitest';
import {
  MAX_LOCK_MS,
  accountThrottle,
  addressThrottle,
  afterFailure,
  charged,
  isLocked,
  pairThrottle,
  refunded,
  throttleKeys,
  type ThrottlePolicy,
  type ThrottleState,
} from './throttle.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-24T03:00:00Z');
const policy: ThrottlePolicy = { maxFailures: 3, windowMs: 10 * MINUTE, lockMs: 5 * MINUTE };

/** `n` failed attempts, each charged then settled, at `at`. */
function fail(state: ThrottleState | undefined, n: number, at: number, p = policy): ThrottleState | undefined {
  let s = state;
  for (let i = 0; i < n; i++) {
    if (isLocked(s, p, at)) continue;
    s = afterFailure(charged(s, p, at), p, at);
  }
  return s;
}

describe('sign-in throttle maths', () => {
  it('locks when the window holds maxFailures, for lockMs, then gives the whole allowance back', () => {
    const twice = fail(undefined, 2, T0);
    expect(isLocked(twice, policy, T0)).toBe(false);
    const thrice = fail(twice, 1, T0 + MINUTE);
    expect(thrice).toEqual({ failures: 0, windowStartedAt: T0 + MINUTE, lockedUntil: T0 + 6 * MINUTE });
    expect(isLocked(thrice, policy, T0 + 6 * MINUTE - 1)).toBe(true);
    expect(isLocked(thrice, policy, T0 + 6 * MINUTE)).toBe(false);
    // After the lock: two more failures do not lock again, the third does.
    expect(isLocked(fail(thrice, 2, T0 + 6 * MINUTE), policy, T0 + 6 * MINUTE)).toBe(false);
    expect(isLocked(fail(thrice, 3, T0 + 6 * MINUTE), policy, T0 + 6 * MINUTE)).toBe(true);
  });

  it('starts a new window when the old one has passed, so old failures are forgotten', () => {
    const twice = fail(undefined, 2, T0);
    expect(charged(twice, policy, T0 + 10 * MINUTE - 1)).toMatchObject({ failures: 3, windowStartedAt: T0 });
    expect(charged(twice, policy, T0 + 10 * MINUTE)).toEqual({ failures: 1, windowStartedAt: T0 + 10 * MINUTE, lockedUntil: null });
    expect(isLocked(fail(twice, 1, T0 + 10 * MINUTE), policy, T0 + 10 * MINUTE)).toBe(false);
    // A full count from an old window locks nothing.
    expect(isLocked({ failures: 3, windowStartedAt: T0, lockedUntil: null }, policy, T0 + 10 * MINUTE)).toBe(false);
  });

  it('counts attempts in flight: maxFailures charged and not yet settled refuse the next one', () => {
    let s: ThrottleState | undefined;
    for (let i = 0; i < 3; i++) {
      expect(isLocked(s, policy, T0)).toBe(false);
      s = charged(s, policy, T0);
    }
    expect(isLocked(s, policy, T0)).toBe(true);
    // One of them succeeds and gives its charge back: the next attempt may go.
    expect(isLocked(refunded(s!), policy, T0)).toBe(false);
    expect(refunded({ failures: 0, windowStartedAt: T0, lockedUntil: null }).failures).toBe(0);
  });

  it('never extends a lock that holds, and never locks longer than MAX_LOCK_MS', () => {
    const locked = fail(undefined, 3, T0)!;
    const later = { ...locked, failures: 3 };
    expect(afterFailure(later, policy, T0 + MINUTE)).toBe(later);
    const greedy: ThrottlePolicy = { maxFailures: 1, windowMs: MINUTE, lockMs: 24 * 60 * MINUTE };
    const capped = fail(undefined, 1, T0, greedy)!;
    expect(capped.lockedUntil).toBe(T0 + MAX_LOCK_MS);
    expect(isLocked(capped, greedy, T0 + MAX_LOCK_MS)).toBe(false);
  });

  it('keeps every shipped lock within MAX_LOCK_MS, the pair the strictest and the account the most patient', () => {
    for (const p of [pairThrottle, addressThrottle, accountThrottle]) expect(p.lockMs).toBeLessThanOrEqual(MAX_LOCK_MS);
    expect(pairThrottle.maxFailures).toBeLessThan(addressThrottle.maxFailures);
    expect(addressThrottle.maxFailures).toBeLessThan(accountThrottle.maxFailures);
  });

  it('keys an attempt by pair, address and account, the login id only as a digest', () => {
    const keys = throttleKeys('  Clerk.Tanaka ', '192.0.2.7');
    expect(keys.map((k) => k.kind)).toEqual(['pair', 'address', 'account']);
    expect(keys.map((k) => k.key)).toEqual(throttleKeys('clerk.tanaka', '192.0.2.7').map((k) => k.key));
    expect(keys[0]!.key).not.toBe(throttleKeys('clerk.tanaka', '192.0.2.8')[0]!.key);
    expect(keys[2]!.key).toBe(throttleKeys('clerk.tanaka', '192.0.2.8')[2]!.key);
    expect(JSON.stringify(keys).toLowerCase()).not.toContain('tanaka');
    // The column is varchar(200): the longest address text (IPv6 with an IPv4 tail) fits.
    for (const k of throttleKeys('x'.repeat(64), 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255'))
      expect(k.key.length).toBeLessThanOrEqual(200);
  });
});
