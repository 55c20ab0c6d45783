import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerRefusal } from './admin-auth.js';

const TOKEN = 'the-admin-token-0123456789abcdefghij';
const expected = createHash('sha256').update(TOKEN).digest();

describe('bearerRefusal', () => {
  it('lets the admin token through as a Bearer credential, whatever the scheme’s case', () => {
    expect(bearerRefusal(`Bearer ${TOKEN}`, expected)).toBeNull();
    expect(bearerRefusal(`bearer ${TOKEN}`, expected)).toBeNull();
  });

  it('asks for authentication when there is no Bearer credential at all (401)', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', TOKEN, `Basic ${TOKEN}`, `Token ${TOKEN}`]) {
      expect(bearerRefusal(header, expected), String(header)).toBe('AUTHENTICATION_REQUIRED');
    }
  });

  it('forbids a Bearer credential that is not the admin token (403), a prefix or extension of it included', () => {
    for (const presented of ['wrong', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      expect(bearerRefusal(`Bearer ${presented}`, expected), presented).toBe('FORBIDDEN');
    }
  });
});
