import { describe, expect, it } from 'vitest';
import { acceptedTotpStep, newTotpSecret, otpauthUri, totpCode } from './totp.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const STEP_MS = 30_000;
/** In the middle of a time step, so ±n steps are whole steps away whatever rounding. */
const AT = new Date(Date.parse('2026-11-24T03:00:15Z'));
const STEP = Math.floor(AT.getTime() / STEP_MS);
const codeAt = (steps: number) => totpCode(SECRET, new Date(AT.getTime() + steps * STEP_MS));

describe('TOTP', () => {
  it('uses codes that differ from step to step (so the window checks below mean something)', () => {
    const codes = [-2, -1, 0, 1, 2].map(codeAt);
    expect(new Set(codes).size).toBe(5);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
  });

  it('accepts the current step and one step either side (clock drift), and says which step it was', () => {
    expect(acceptedTotpStep(SECRET, codeAt(0), AT, null)).toBe(STEP);
    expect(acceptedTotpStep(SECRET, codeAt(-1), AT, null)).toBe(STEP - 1);
    expect(acceptedTotpStep(SECRET, codeAt(1), AT, null)).toBe(STEP + 1);
  });

  it('refuses codes two steps away or more, and codes that are not codes', () => {
    for (const steps of [-3, -2, 2, 3]) expect(acceptedTotpStep(SECRET, codeAt(steps), AT, null), `${steps}`).toBeNull();
    for (const code of ['', '12345', '1234567', 'abcdef']) expect(acceptedTotpStep(SECRET, code, AT, null), code).toBeNull();
  });

  it('refuses a step at or before the last one used (a code seen over a shoulder), and takes a later one', () => {
    expect(acceptedTotpStep(SECRET, codeAt(0), AT, STEP)).toBeNull();
    expect(acceptedTotpStep(SECRET, codeAt(-1), AT, STEP)).toBeNull();
    expect(acceptedTotpStep(SECRET, codeAt(0), AT, STEP + 1)).toBeNull();
    expect(acceptedTotpStep(SECRET, codeAt(1), AT, STEP)).toBe(STEP + 1);
    expect(acceptedTotpStep(SECRET, codeAt(0), AT, STEP - 1)).toBe(STEP);
  });

  it('makes 160-bit base32 secrets and an otpauth URI an authenticator app reads', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(otpauthUri(secret, 'clerk.tanaka'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret,
      issuer: 'Madoguchi',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
