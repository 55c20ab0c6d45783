/**
 * The staff layer's secrets: random tokens (session cookies, CSRF tokens, enrolment links, API
 * tokens) and their SHA-256, which is all the database keeps of a bearer secret — a copy of the
 * tables yields no cookie, link or token that works.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `bytes` random bytes as base64url (no padding). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Equal strings, compared as digests in constant time: neither length nor content shows in timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** A new id with its kind's prefix (`stf_…`, `tok_…`): 16 random bytes, no meaning of its own. */
export const newId = (prefix: 'stf' | 'tok' | 'imp'): string => `${prefix}_${randomBytes(16).toString('base64url')}`;
