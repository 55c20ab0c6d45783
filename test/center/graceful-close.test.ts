/**
 * Graceful close: a center shutting down (deploy, SIGTERM) finishes the payment it is rendering —
 * the resident gets their document — before it closes the renderer and the database, and takes no
 * new connections meanwhile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../support/databases.js';
import { challengeRequest, ok, startCenter, type CenterHarness } from './support/center-harness.js';

forEachDatabase((harness) => {
  describe('graceful close', () => {
    let center: CenterHarness | undefined;
    afterAll(() => center?.close().catch(() => undefined));

    it('finishes an in-flight payment, then stops', async () => {
      const slow = new Set<string>();
      center = await startCenter(await harness.fresh(), {
        build: { sweeper: false },
        wrapServices: (base) => ({
          ...base,
          render: (input, opts) => base.render(input, (slow.has(input.issuanceId) ? { ...opts, delayMs: 1500 } : opts) as typeof opts),
        }),
      });
      const kiosk = await center.enrollKiosk();
      const card = await center.issueCard(center.demo.featured.chiyodaResident);
      const session = ok(await center.authenticate(kiosk, card));
      const q = ok(await center.quote(kiosk, session.sessionId));
      slow.add(q.issuanceId);
      const payment = center.pay(kiosk, q);
      await new Promise((r) => setTimeout(r, 500));
      const closing = center.app.close();
      const delivered = ok(await payment);
      expect(delivered).toMatchObject({ state: 'delivered' });
      expect(delivered.documents).toHaveLength(1);
      await closing;
      await expect(kiosk.call('challenge', { body: challengeRequest() })).rejects.toThrow();
    });
  });
});
