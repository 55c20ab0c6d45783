/**
 * Recovery codes: ten `xxxx-xxxx-xxxx` codes (a–z, 0–9) shown once at enrolment; the center keeps
 * their scrypt hashes, and each works once instead of a TOTP code.
 */
import { randomInt } from 'node:crypto';
import { hashSecret, recoveryCodeParameters } from './passwords.js';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newRecoveryCode(): string {
  const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}

export async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((code) => hashSecret(code, recoveryCodeParameters)));
  return { codes, hashes };
}
