/**
 * The second factor: TOTP (RFC 6238) with the `otpauth` package — SHA-1, 30 s, 6 digits, as every
 * authenticator app expects — accepting the previous and next time step for clock drift. A code is
 * accepted only for a time step later than the last one accepted (`totp_last_step`), so a code seen
 * over someone's shoulder cannot be used again, not even within its 30 seconds.
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD_SECONDS = 30;
const ISSUER = 'Madoguchi';

const totpOf = (secret: string, label = 'staff') =>
  new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** A new base32 secret of 20 random bytes (RFC 4226's recommended length). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The otpauth:// URI an authenticator app reads from a QR code. */
export const otpauthUri = (secret: string, loginId: string): string => totpOf(secret, loginId).toString();

/** The code for `at` (tests and the demo). */
export const totpCode = (secret: string, at: Date): string => totpOf(secret).generate({ timestamp: at.getTime() });

/**
 * The time step of `code` if it is valid at `at` (±1 step) and later than `lastStep`; null
 * otherwise. The caller stores the step with a compare-and-set, so two racing sign-ins with the
 * same code cannot both win.
 */
export function acceptedTotpStep(secret: string, code: string, at: Date, lastStep: number | null): number | null {
  const delta = totpOf(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(at.getTime() / 1000 / PERIOD_SECONDS) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}
