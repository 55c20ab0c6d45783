/**
 * The staff CLI on a real database (issue 11): `create`, `list`, `disable`, `token create|revoke`,
 * run in-process like the other operator CLIs. What it makes is in the database and the history;
 * bad input (an unknown role, a municipal role without a municipality, an operator with one, an
 * unknown staff id, municipality or token, a token for someone who may not have one) is refused with
 * its catalog code and exit status 2, and changes nothing: the staff tables and the history are the
 * same before and after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CenterDatabase } from '@madoguchi/center';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { importProgram, runProgram, staffProgram } from '@madoguchi/center/cli';
import { forEachDatabase } from '../support/databases.js';

const urlOf = (config: DatabaseConfig) => (config.kind === 'sqlite' ? config.path : config.connectionString);

forEachDatabase((databases) => {
  describe('staff CLI', () => {
    let database: CenterDatabase;
    let url: string;
    let mun: string;
    let other: string;

    /** Runs the staff CLI in-process on the test database; what it wrote and its exit status. */
    const staff = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      let code = 0;
      const io = {
        out: (t: string) => void (stdout += t),
        err: (t: string) => void (stderr += t),
        setExitCode: (c: number) => void (code = c),
      };
      await runProgram((i) => staffProgram(i, {}), ['--database', url, '--console-url', 'https://console.example', ...args], io);
      return { code, stdout, stderr };
    };

    /** Every row of the tables the staff CLI could touch, to show a refusal changed nothing. */
    const snapshot = async () => {
      const { db } = database;
      const [users, enrolments, tokens, history] = await Promise.all([
        db.selectFrom('staff_users').selectAll().orderBy('staff_id').execute(),
        db.selectFrom('staff_enrolments').selectAll().orderBy('token_hash').execute(),
        db.selectFrom('staff_api_tokens').selectAll().orderBy('token_id').execute(),
        db.selectFrom('audit_events').select(['seq', 'event']).orderBy('seq').execute(),
      ]);
      return { users, enrolments, tokens, history };
    };

    /** `args` is refused with `code` (exit 2, the code on stderr, nothing on stdout) and changes nothing. */
    const expectRefused = async (args: string[], code: string) => {
      const before = await snapshot();
      const result = await staff(...args);
      expect([result.code, result.stdout], args.join(' ')).toEqual([2, '']);
      expect(result.stderr, args.join(' ')).toMatch(new RegExp(`^${code}: `));
      expect(await snapshot(), args.join(' ')).toEqual(before);
      return result.stderr;
    };

    const created = (stdout: string) => /^created (stf_[A-Za-z0-9_-]+) /.exec(stdout)?.[1] ?? '';

    beforeAll(async () => {
      database = await databases.fresh();
      url = urlOf(databases.configOf(database));
      const io = { out: () => undefined, err: (t: string) => void process.stderr.write(t), setExitCode: () => undefined };
      await runProgram(importProgram, ['--database', url, 'demo'], io);
      const rows = await database.db.selectFrom('municipalities').select('code').orderBy('code').execute();
      [mun, other] = rows.map((r) => r.code) as [string, string];
    }, 60_000);

    it('creates an enrolling account with a one-time link, lists it, and disables it', async () => {
      const made = await staff('create', '--login-id', 'Clerk.CLI', '--role', 'municipalityClerk', '--municipality', mun);
      expect(made.code, made.stderr).toBe(0);
      const staffId = created(made.stdout);
      expect(made.stdout).toContain(`(municipalityClerk ${mun})`);
      const link = /https:\/\/console\.example\/console\/enrol\/([A-Za-z0-9_-]{43})\n/.exec(made.stdout);
      expect(link).not.toBeNull();
      const enrolment = await database.db.selectFrom('staff_enrolments').selectAll().where('staff_id', '=', staffId).execute();
      expect(enrolment).toHaveLength(1);
      expect(enrolment[0]!.token_hash).not.toContain(link![1]);

      const listed = await staff('list');
      expect(listed.stdout.split('\n')).toContain(`${staffId}\tclerk.cli\tmunicipalityClerk\t${mun}\tenrolling`);

      const disabled = await staff('disable', '--staff-id', staffId);
      expect([disabled.code, disabled.stdout, disabled.stderr]).toEqual([0, `disabled ${staffId}; its sessions have ended\n`, '']);
      expect((await staff('list')).stdout.split('\n')).toContain(`${staffId}\tclerk.cli\tmunicipalityClerk\t${mun}\tdisabled`);
      expect(await database.db.selectFrom('staff_enrolments').selectAll().where('staff_id', '=', staffId).execute()).toEqual([]);
      const history = await database.db
        .selectFrom('audit_events')
        .select(['event', 'detail_json'])
        .where('event', '=', 'staff_disabled')
        .execute();
      expect(history.map((h) => JSON.parse(h.detail_json ?? '{}') as unknown)).toContainEqual({ staffId: null, subjectStaffId: staffId });
    });

    it('refuses bad accounts with their codes and creates nothing', async () => {
      await staff('create', '--login-id', 'taken.id', '--role', 'auditor');
      const cases: [string[], string][] = [
        [['create', '--login-id', 'someone', '--role', 'superuser'], 'INPUT_INVALID'],
        [['create', '--login-id', 'someone', '--role', 'municipalityAdministrator'], 'INPUT_INVALID'],
        [['create', '--login-id', 'someone', '--role', 'operator', '--municipality', mun], 'INPUT_INVALID'],
        [['create', '--login-id', 'someone', '--role', 'auditor', '--municipality', mun], 'INPUT_INVALID'],
        [['create', '--login-id', 'x', '--role', 'auditor'], 'INPUT_INVALID'],
        [['create', '--login-id', 'someone', '--role', 'municipalityClerk', '--municipality', '999999'], 'NOT_FOUND'],
        [['create', '--login-id', 'Taken.ID', '--role', 'auditor'], 'CONFLICT'],
        [['create-operator', '--login-id', 'has space'], 'INPUT_INVALID'],
        [['disable', '--staff-id', 'stf_no-such-account'], 'NOT_FOUND'],
      ];
      for (const [args, code] of cases) await expectRefused(args, code);
      // The reason is on its own line, naming the option, for the operator to act on.
      expect(await expectRefused(['create', '--login-id', 'someone', '--role', 'municipalityClerk'], 'INPUT_INVALID')).toContain(
        'municipality',
      );
    });

    it('makes an import token for an administrator (shown once, kept as SHA-256) and revokes it', async () => {
      const admin = created(
        (await staff('create', '--login-id', 'token.admin', '--role', 'municipalityAdministrator', '--municipality', mun)).stdout,
      );
      // The CLI's accounts are enrolling; a token needs an active creator.
      await database.db.updateTable('staff_users').set({ status: 'active' }).where('staff_id', '=', admin).execute();
      const made = await staff('token', 'create', '--staff-id', admin, '--label', 'nightly import');
      expect(made.code, made.stderr).toBe(0);
      const [, tokenId, token] = /^(tok_[A-Za-z0-9_-]+) for \d{6} \(shown once\):\n(mdg_[A-Za-z0-9_-]{43})\n$/.exec(made.stdout) ?? [];
      expect(made.stdout).toContain(` for ${mun} `);
      const row = await database.db.selectFrom('staff_api_tokens').selectAll().where('token_id', '=', tokenId!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ municipality_code: mun, created_by: admin, label: 'nightly import', scope: 'import', revoked_at: null });
      expect(row.token_hash).not.toContain(token!.slice(4));

      await expectRefused(['token', 'revoke', '--token-id', tokenId!, '--municipality', other], 'NOT_FOUND');
      const revoked = await staff('token', 'revoke', '--token-id', tokenId!, '--municipality', mun);
      expect([revoked.code, revoked.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^revoked ${tokenId} at \\S+\\n$`))]);
      expect(
        (await database.db.selectFrom('staff_api_tokens').select('revoked_at').where('token_id', '=', tokenId!).executeTakeFirst())
          ?.revoked_at,
      ).not.toBeNull();
    });

    it('refuses tokens for the wrong people, places and labels, and makes none', async () => {
      const active = async (loginId: string, role: string, municipality?: string) => {
        const args = ['create', '--login-id', loginId, '--role', role, ...(municipality ? ['--municipality', municipality] : [])];
        const id = created((await staff(...args)).stdout);
        await database.db.updateTable('staff_users').set({ status: 'active' }).where('staff_id', '=', id).execute();
        return id;
      };
      const admin = await active('refused.admin', 'municipalityAdministrator', mun);
      const clerk = await active('refused.clerk', 'municipalityClerk', mun);
      const auditor = await active('refused.auditor', 'auditor');
      const operator = await active('refused.operator', 'operator');
      const enrolling = created((await staff('create', '--login-id', 'still.enrolling', '--role', 'operator')).stdout);
      const cases: [string[], string][] = [
        [['token', 'create', '--staff-id', 'stf_no-such-account', '--label', 'x'], 'NOT_FOUND'],
        [['token', 'create', '--staff-id', enrolling, '--label', 'x', '--municipality', mun], 'NOT_FOUND'],
        [['token', 'create', '--staff-id', clerk, '--label', 'x'], 'FORBIDDEN'],
        [['token', 'create', '--staff-id', auditor, '--label', 'x', '--municipality', mun], 'FORBIDDEN'],
        [['token', 'create', '--staff-id', admin, '--label', 'x', '--municipality', other], 'FORBIDDEN'],
        [['token', 'create', '--staff-id', operator, '--label', 'x'], 'INPUT_INVALID'],
        [['token', 'create', '--staff-id', operator, '--label', 'x', '--municipality', '999999'], 'NOT_FOUND'],
        [['token', 'create', '--staff-id', admin, '--label', 'x'.repeat(81)], 'INPUT_INVALID'],
        [['token', 'create', '--staff-id', admin, '--label', '  '], 'INPUT_INVALID'],
        [['token', 'revoke', '--token-id', 'tok_no-such-token', '--municipality', mun], 'NOT_FOUND'],
      ];
      for (const [args, code] of cases) await expectRefused(args, code);
      const forOperator = await staff('token', 'create', '--staff-id', operator, '--label', 'operator import', '--municipality', other);
      expect([forOperator.code, forOperator.stderr]).toEqual([0, '']);
    });
  });
});
