/**
 * TOTP codes are checked on the wall clock that authenticator apps keep, not on the center's
 * business clock: the demo runs the center on a demo clock (MADOGUCHI_CLOCK, the next weekday),
 * and a code checked on that clock would refuse every phone. The harness's test clock here is
 * days away from the real time, as the demo clock is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '@madoguchi/center';
import { forEachDatabase } from '../support/databases.js';
import { startConsoleCenter, type ConsoleCenter } from './support/console-harness.js';

forEachDatabase((databases) => {
  describe('TOTP on the wall clock', () => {
    let wall: ConsoleCenter;
    beforeAll(async () => {
      wall = await startConsoleCenter(await databases.fresh(), { build: { codeClock: () => new Date() } });
    }, 120_000);
    afterAll(async () => wall?.close());

    it('accepts a code of the real time while the business clock is on another day, and refuses one of the business day', async () => {
      expect(Math.abs(wall.center.clock.now().getTime() - Date.now())).toBeGreaterThan(3600_000);
      const account = await wall.createStaffAccount({ role: 'operator' });
      const client = wall.anonymous();
      const atBusinessTime = await client.call('signIn', {
        body: { loginId: account.loginId, password: account.password, totpCode: totpCode(account.totpSecret, wall.center.clock.now()) },
      });
      expect(atBusinessTime.status).toBe(401);
      const atWallTime = await client.call('signIn', {
        body: { loginId: account.loginId, password: account.password, totpCode: totpCode(account.totpSecret, new Date()) },
      });
      expect(atWallTime.status).toBe(200);
    });
  });
});
