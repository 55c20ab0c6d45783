/**
 * Sign-in lockout that cannot lock someone out for good (issue 11, acceptance 2), over real TLS from
 * several client addresses. The center does not trust proxies, so the address it counts is the TCP
 * peer's: each "address" here is a client socket bound to its own loopback address (127.0.0.0/8 is
 * all local on Linux), through an Agent with `localAddress`.
 *
 *   (account, address) pair   5 failures in 15 min → that pair locked 15 min
 *   address                  30 failures in 15 min → that address locked 15 min
 *   account, all addresses  100 failures in 1 h    → the account locked 30 min
 *
 * A locked key is refused before any password is checked and counts nothing; an attempt is charged
 * before its password is checked, so attempts in flight at once cannot get past a limit.
 *
 * The harness's accounts have a light scrypt work factor (console-harness.ts): the hundreds of
 * wrong guesses here then cost milliseconds each, and the file stays fast on a busy machine.
 */
import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consolePath } from '@madoguchi/shared';
import { totpCode } from '@madoguchi/center';
import { forEachDatabase } from '../support/databases.js';
import { consoleRequest, startConsoleCenter, type ConsoleCenter, type StaffAccount } from './support/console-harness.js';
import type { StaffRole } from '@madoguchi/shared';

const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;
const STEP = 30_000;
const MINUTE = 60_000;

forEachDatabase((databases) => {
  describe('sign-in lockout', () => {
    let con: ConsoleCenter;
    let mun: string;
    const agents = new Map<string, Agent>();

    /** A sign-in from `address` (127.x.y.z); `password` null: the right one. */
    const signInFrom = (address: string, account: Pick<StaffAccount, 'loginId' | 'password' | 'totpSecret'>, password?: string) => {
      let agent = agents.get(address);
      if (!agent) agents.set(address, (agent = new Agent({ ca: con.center.caPem, localAddress: address, keepAlive: true })));
      const body = {
        loginId: account.loginId,
        password: password ?? account.password,
        totpCode: totpCode(account.totpSecret, con.center.clock.now()),
      };
      return consoleRequest(con.center, 'POST', consolePath('signIn'), { body, agent });
    };
    const outcomes = (results: { status: number; body: unknown }[]) => results.map((r) => `${r.status} ${codeOf(r.body) ?? 'ok'}`);
    const refusedRows = async (staffId: string) =>
      (await con.center.database.db.selectFrom('audit_events').select('detail_json').where('event', '=', 'staff_sign_in_refused').execute())
        .map((r) => JSON.parse(r.detail_json ?? '{}') as { staffId: string | null; reason: string })
        .filter((d) => d.staffId === staffId);

    const newAccount = (role: StaffRole = 'municipalityClerk') => con.createStaffAccount({ role, municipalityCode: mun });

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh());
      mun = con.center.demo.batch.municipalities![0]!.code;
    }, 60_000);
    afterAll(async () => {
      for (const agent of agents.values()) agent.destroy();
      await con?.close();
    });

    it('lets the clerk in from their own desk while an attacker elsewhere keeps failing on their login id', async () => {
      const clerk = await newAccount();
      const attacker = '127.0.0.2';
      const desk = '127.0.0.3';
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 6; i++) await signInFrom(attacker, clerk, `guess ${round}-${i}`);
        con.center.clock.advance(STEP);
        const atDesk = await signInFrom(desk, clerk);
        expect(atDesk.status, `round ${round}`).toBe(200);
        // The attacker's own pair stays locked, even with the right password and code.
        con.center.clock.advance(STEP);
        const fromAttacker = await signInFrom(attacker, clerk);
        expect([fromAttacker.status, codeOf(fromAttacker.body)]).toEqual([429, 'SIGN_IN_LOCKED']);
        con.center.clock.advance(15 * MINUTE);
      }
    });

    it('counts attempts in flight at once: of 10 parallel guesses, 5 are checked and 5 refused as locked', async () => {
      const clerk = await newAccount();
      const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => signInFrom('127.0.0.4', clerk, `parallel guess ${i}`)));
      expect(outcomes(guesses).sort()).toEqual([...Array(5).fill('401 SIGN_IN_FAILED'), ...Array(5).fill('429 SIGN_IN_LOCKED')]);
      const rows = await refusedRows(clerk.staffId);
      expect(rows.filter((d) => d.reason === 'credentials')).toHaveLength(5);
      expect(rows.filter((d) => d.reason === 'locked')).toHaveLength(5);
    });

    it('locks an address after 30 failures on any login ids, that address only, for 15 minutes', async () => {
      const noisy = '127.0.1.1';
      const [clerk, ...others] = (await Promise.all(Array.from({ length: 7 }, () => newAccount()))) as [StaffAccount, ...StaffAccount[]];
      // Five wrong guesses on each of six accounts: thirty, and no pair reaches its own lock first.
      const failures = await Promise.all(others.flatMap((a) => Array.from({ length: 5 }, (_, i) => signInFrom(noisy, a, `wrong ${i}`))));
      expect(new Set(outcomes(failures))).toEqual(new Set(['401 SIGN_IN_FAILED']));
      const locked = await signInFrom(noisy, clerk);
      expect([locked.status, codeOf(locked.body)]).toEqual([429, 'SIGN_IN_LOCKED']);
      expect((await signInFrom('127.0.1.2', clerk)).status).toBe(200);
      con.center.clock.advance(15 * MINUTE);
      expect((await signInFrom(noisy, clerk)).status).toBe(200);
    });

    it('locks the account at every address after 100 failures from many addresses, and lifts it within 30 minutes', async () => {
      const victim = await newAccount('municipalityAdministrator');
      const addresses = Array.from({ length: 20 }, (_, i) => `127.0.2.${i + 1}`);
      const failures = await Promise.all(
        addresses.flatMap((address) => Array.from({ length: 5 }, (_, i) => signInFrom(address, victim, `spread ${address} ${i}`))),
      );
      expect(new Set(outcomes(failures))).toEqual(new Set(['401 SIGN_IN_FAILED']));
      con.center.clock.advance(STEP);
      const fresh = await signInFrom('127.0.3.1', victim);
      expect([fresh.status, codeOf(fresh.body)]).toEqual([429, 'SIGN_IN_LOCKED']);
      con.center.clock.advance(29 * MINUTE);
      expect(codeOf((await signInFrom('127.0.3.2', victim)).body)).toBe('SIGN_IN_LOCKED');
      con.center.clock.advance(MINUTE);
      expect((await signInFrom('127.0.3.3', victim)).status).toBe(200);
    });
  });
});
