/**
 * Staff accounts over real TLS (issue 11): the first operator from the CLI's enrolment link, sign-in
 * with TOTP (a code used once) and recovery codes (each once), sessions ending on disable, role and
 * password changes and on idle and absolute expiry, the bounded lockout, the history rows (ids only),
 * and import API tokens at the admin gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePath, type Me } from '@madoguchi/shared';
import { totpCode } from '@madoguchi/center';
import { runProgram, staffProgram, type CliIo } from '@madoguchi/center/cli';
import { forEachDatabase } from '../support/databases.js';
import {
  consoleClient,
  consoleRequest,
  sessionCookieOf,
  startConsoleCenter,
  type ConsoleCenter,
  type StaffAccount,
} from './support/console-harness.js';

const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;
const STEP = 30_000;

function captureIo(): CliIo & { output: () => string; code: () => number } {
  let out = '';
  let exit = 0;
  return {
    out: (t) => void (out += t),
    err: (t) => void (out += t),
    setExitCode: (c) => void (exit = c),
    output: () => out,
    code: () => exit,
  };
}

forEachDatabase((databases) => {
  describe('staff accounts', () => {
    let con: ConsoleCenter;
    let mun: string;
    let other: string;
    const signInBody = (a: StaffAccount, at: Date) => ({ loginId: a.loginId, password: a.password, totpCode: totpCode(a.totpSecret, at) });
    const post = (path: string, body: unknown) => consoleRequest(con.center, 'POST', path, { body });
    const history = async (event: string) =>
      (await con.center.database.db.selectFrom('audit_events').selectAll().where('event', '=', event).orderBy('seq').execute()).map(
        (r) => ({
          municipality: r.municipality_code,
          detail: JSON.parse(r.detail_json ?? '{}') as Record<string, unknown>,
        }),
      );

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh());
      [mun, other] = con.center.demo.batch.municipalities!.map((m) => m.code) as [string, string];
    }, 60_000);
    afterAll(() => con?.close());

    it('enrols the first operator from the CLI link: TOTP secret, password ≥ 12, ten recovery codes once', async () => {
      const io = captureIo();
      const dbPath = databases.configOf(con.center.database) as { path?: string; connectionString?: string };
      await runProgram(
        (i) => staffProgram(i, {}),
        [
          '--database',
          dbPath.path ?? dbPath.connectionString!,
          'create-operator',
          '--login-id',
          'first.operator',
          '--console-url',
          'https://console.example',
        ],
        io,
      );
      expect(io.code()).toBe(0);
      const link = /https:\/\/console\.example\/console\/enrol\/([A-Za-z0-9_-]+)/.exec(io.output());
      expect(link).not.toBeNull();
      const token = link![1]!;
      const info = await consoleRequest(con.center, 'GET', consolePath('enrolment', { token }));
      expect(info.status).toBe(200);
      const { totpSecret, otpauthUri } = info.body as { totpSecret: string; otpauthUri: string };
      expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
      const now = con.center.clock.now();
      const short = await post(consolePath('completeEnrolment', { token }), { password: 'short', totpCode: totpCode(totpSecret, now) });
      expect([short.status, codeOf(short.body)]).toEqual([400, 'INPUT_INVALID']);
      const done = await post(consolePath('completeEnrolment', { token }), {
        password: 'a long enough pass',
        totpCode: totpCode(totpSecret, now),
      });
      expect(done.status).toBe(200);
      const codes = (done.body as { recoveryCodes: string[] }).recoveryCodes;
      expect(codes).toHaveLength(10);
      const again = await post(consolePath('completeEnrolment', { token }), {
        password: 'a long enough pass',
        totpCode: totpCode(totpSecret, now),
      });
      expect([again.status, codeOf(again.body)]).toEqual([410, 'ENROLMENT_INVALID']);
      // The enrolment code's step is spent: the same code does not sign in; the next step's does.
      const replay = await post(consolePath('signIn'), {
        loginId: 'first.operator',
        password: 'a long enough pass',
        totpCode: totpCode(totpSecret, now),
      });
      expect([replay.status, codeOf(replay.body)]).toEqual([401, 'SIGN_IN_FAILED']);
      const recovered = await post(consolePath('signIn'), {
        loginId: 'first.operator',
        password: 'a long enough pass',
        recoveryCode: codes[0],
      });
      expect(recovered.status).toBe(200);
      const reused = await post(consolePath('signIn'), {
        loginId: 'first.operator',
        password: 'a long enough pass',
        recoveryCode: codes[0],
      });
      expect([reused.status, codeOf(reused.body)]).toEqual([401, 'SIGN_IN_FAILED']);
      const enrolled = await history('staff_enrolled');
      expect(enrolled.at(-1)?.detail).toEqual({ staffId: (recovered.body as Me).staffId });
    });

    it('refuses a TOTP code used once already, and answers the same SIGN_IN_FAILED for any wrong factor', async () => {
      const account = await con.createStaffAccount({ role: 'auditor' });
      con.center.clock.advance(STEP);
      const at = con.center.clock.now();
      expect((await post(consolePath('signIn'), signInBody(account, at))).status).toBe(200);
      const replay = await post(consolePath('signIn'), signInBody(account, at));
      const wrongPassword = await post(consolePath('signIn'), { ...signInBody(account, at), password: 'not the password' });
      const unknown = await post(consolePath('signIn'), { ...signInBody(account, at), loginId: 'nobody-here' });
      for (const res of [replay, wrongPassword, unknown]) expect([res.status, res.body]).toEqual([replay.status, replay.body]);
      expect(codeOf(replay.body)).toBe('SIGN_IN_FAILED');
      const refused = await history('staff_sign_in_refused');
      expect(refused.at(-1)!.detail).toEqual({ staffId: null, reason: 'credentials' });
      expect(JSON.stringify(refused)).not.toContain('nobody-here');
      expect(JSON.stringify(refused)).not.toContain(account.loginId);
    });

    it('locks an account at one address after 5 failures for a bounded time, without checking the password while locked', async () => {
      const account = await con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: mun });
      for (let i = 0; i < 5; i++)
        await post(consolePath('signIn'), { ...signInBody(account, con.center.clock.now()), password: `wrong ${i}` });
      con.center.clock.advance(STEP);
      const locked = await post(consolePath('signIn'), signInBody(account, con.center.clock.now()));
      expect([locked.status, codeOf(locked.body)]).toEqual([429, 'SIGN_IN_LOCKED']);
      con.center.clock.advance(15 * 60_000);
      const after = await post(consolePath('signIn'), signInBody(account, con.center.clock.now()));
      expect(after.status).toBe(200);
      const refused = await history('staff_sign_in_refused');
      expect(refused.at(-1)).toEqual({ municipality: mun, detail: { staffId: account.staffId, reason: 'locked' } });
    });

    it('ends sessions on disable and role change at once, and the other sessions on a password change', async () => {
      const admin = await con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: mun });
      const clerk = await con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: mun });
      const adminClient = await con.signIn(admin);
      const clerkClient = await con.signIn(clerk);
      const changed = await adminClient.call('changeRole', {
        params: { municipalityCode: mun, staffId: clerk.staffId },
        body: { role: 'municipalityAdministrator' },
      });
      expect(changed.status).toBe(200);
      expect(codeOf((await clerkClient.call('me')).body)).toBe('SESSION_EXPIRED');
      expect((await history('staff_role_changed')).at(-1)).toEqual({
        municipality: mun,
        detail: {
          staffId: admin.staffId,
          subjectStaffId: clerk.staffId,
          before: { role: 'municipalityClerk' },
          after: { role: 'municipalityAdministrator' },
        },
      });
      const clerkAgain = await con.signIn(clerk);
      expect((await adminClient.call('disableStaff', { params: { municipalityCode: mun, staffId: clerk.staffId } })).status).toBe(200);
      expect(codeOf((await clerkAgain.call('me')).body)).toBe('SESSION_EXPIRED');
      const self = await adminClient.call('disableStaff', { params: { municipalityCode: mun, staffId: admin.staffId } });
      expect([self.status, codeOf(self.body)]).toEqual([403, 'FORBIDDEN']);
      const second = await con.signIn(admin);
      const newPassword = 'another long password';
      const change = await adminClient.call('changePassword', { body: { currentPassword: admin.password, newPassword } });
      expect(change.status).toBe(200);
      expect(codeOf((await second.call('me')).body)).toBe('SESSION_EXPIRED');
      expect((await adminClient.call('me')).status).toBe(200);
    });

    it('ends a session after 30 minutes idle and after 12 hours whatever its use', async () => {
      const account = await con.createStaffAccount({ role: 'auditor' });
      const idle = await con.signIn(account);
      con.center.clock.advance(30 * 60_000);
      expect(codeOf((await idle.call('me')).body)).toBe('SESSION_EXPIRED');
      const busy = await con.signIn(account);
      // Used every 20 minutes (never idle for 30): alive until 12 hours after sign-in, then ended.
      for (let uses = 0; uses < 35; uses++) {
        con.center.clock.advance(20 * 60_000);
        expect((await busy.call('me')).status).toBe(200);
      }
      con.center.clock.advance(20 * 60_000);
      expect(codeOf((await busy.call('me')).body)).toBe('SESSION_EXPIRED');
    });

    it('creates import API tokens that open the admin gate until revoked or their creator is disabled', async () => {
      const admin = await con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: other });
      const client = await con.signIn(admin);
      const made = await client.call('createApiToken', { params: { municipalityCode: other }, body: { label: 'nightly import' } });
      expect(made.status).toBe(200);
      const { token, summary } = made.body as { token: string; summary: { tokenId: string } };
      expect(token).toMatch(/^mdg_[A-Za-z0-9_-]{43}$/);
      const gate = (bearer: string) =>
        consoleRequest(con.center, 'POST', '/admin/municipal-data', { body: {}, headers: { authorization: `Bearer ${bearer}` } });
      expect((await gate(token)).status).not.toBe(403);
      expect(codeOf((await gate(`mdg_${'A'.repeat(43)}`)).body)).toBe('FORBIDDEN');
      const stored = await con.center.database.db
        .selectFrom('staff_api_tokens')
        .selectAll()
        .where('token_id', '=', summary.tokenId)
        .executeTakeFirstOrThrow();
      expect(stored.token_hash).not.toContain(token.slice(4));
      expect(stored.last_used_at).not.toBeNull();
      expect((await client.call('revokeApiToken', { params: { municipalityCode: other, tokenId: summary.tokenId } })).status).toBe(200);
      expect(codeOf((await gate(token)).body)).toBe('FORBIDDEN');
      expect((await history('api_token_revoked')).at(-1)).toEqual({
        municipality: other,
        detail: { staffId: admin.staffId, tokenId: summary.tokenId },
      });
    });

    it('writes a session cookie with Secure, HttpOnly, SameSite=Strict, Path=/ and no Domain', async () => {
      const account = await con.createStaffAccount({ role: 'auditor' });
      con.center.clock.advance(STEP);
      const res = await post(consolePath('signIn'), signInBody(account, con.center.clock.now()));
      const cookie = (res.headers['set-cookie'] ?? [])[0] ?? '';
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/Domain=/i);
      const token = sessionCookieOf(res.headers)!;
      const row = await con.center.database.db
        .selectFrom('staff_sessions')
        .select('session_hash')
        .where('staff_id', '=', account.staffId)
        .execute();
      expect(row.map((r) => r.session_hash)).not.toContain(token);
      expect((await consoleClient(con.center, { me: res.body as Me, token }).call('me')).status).toBe(200);
    });
  });
});
