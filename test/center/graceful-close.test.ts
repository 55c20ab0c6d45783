/**
 * Graceful close: a center shutting down (deploy, SIGTERM) finishes the payment it is rendering —
 * the resident gets their document — before it closes the renderer and the database, and takes no
 * new connections meanwhile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DeliveryResponse, QuoteResponse } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { challengeRequest, newKey, startCenter, type CenterHarness } from './support/center-harness.js';

forEachDatabase((harness) => {
  describe('graceful close', () => {
    let center: CenterHarness | undefined;
    afterAll(() => center?.close().catch(() => undefined));

    it('finishes an in-flight payment, then stops', async () => {
      const slow = new Set<string>();
      center = await startCenter(await harness.fresh(), {
        build: { sweeper: false },
        wrapServices: (base) => ({ ...base, render: (input, opts) => base.render(input, (slow.has(input.issuanceId) ? { ...opts, delayMs: 1500 } : opts) as typeof opts) }),
      });
      const kiosk = await center.enrollKiosk();
      const card = await center.issueCard(center.demo.featured.chiyodaResident);
      const session = (await center.authenticate(kiosk, card)).body;
      const q = (await kiosk.request<QuoteResponse>('POST', '/api/v1/issuances', { idempotencyKey: newKey(), sessionId: session.sessionId, certificateType: 'residenceRecord', options: {}, copies: 1 })).body;
      slow.add(q.issuanceId);
      const payment = kiosk.request<DeliveryResponse>('POST', `/api/v1/issuances/${q.issuanceId}/payment`, { idempotencyKey: newKey(), paidYen: q.totalYen });
      await new Promise((r) => setTimeout(r, 500));
      const closing = center.app.close();
      const delivered = await payment;
      expect(delivered.body).toMatchObject({ state: 'delivered' });
      expect(delivered.status).toBe(200);
      expect(delivered.body.documents).toHaveLength(1);
      await closing;
      await expect(kiosk.request('POST', '/api/v1/challenges', challengeRequest())).rejects.toThrow();
    });
  });
});
