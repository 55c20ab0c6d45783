/**
 * The center's own defence when a kiosk's print results arrive out of order (a kiosk without the journal's
 * ordered outbox, or an old one): copy 2's failure before copy 1's `printed` refunded both copies while copy 1
 * was on paper, then refused copy 1's `printed`. Now the failure is answered ISSUANCE_EARLIER_COPY_UNREPORTED
 * (503, which the outbox keeps) and refunds copy 2 alone once sent again after copy 1's result
 * (docs/misissuance.md#r10). Over real mutual TLS, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuoteResponse } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { newKey, ok, refusalOf, startCenter, type CenterHarness, type TestCard, type TestKiosk } from './support/center-harness.js';

forEachDatabase((harness) => {
  describe('print results out of order', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let card: TestCard;

    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      kiosk = await center.enrollKiosk();
      card = await center.issueCard(center.demo.featured.chiyodaResident);
    });
    afterAll(() => center?.close());

    const paidTwoCopies = async (): Promise<{ q: QuoteResponse; first: string; second: string }> => {
      const sessionId = ok(await center.authenticate(kiosk, card)).sessionId;
      const q = ok(await center.quote(kiosk, sessionId, { copies: 2 }));
      const [first, second] = ok(await center.pay(kiosk, q)).documents.map((d) => d.binding.issueNumber);
      return { q, first: first!, second: second! };
    };
    const printResult = (issuanceId: string, issueNumber: string, outcome: 'printed' | 'failed', idempotencyKey = newKey()) =>
      center.reportPrint(kiosk, issuanceId, { issueNumber, outcome, idempotencyKey });
    const refunds = async (issuanceId: string) => {
      const rows = await center.database.db
        .selectFrom('billing_ledger')
        .select('amount_yen')
        .where('issuance_id', '=', issuanceId)
        .where('kind', '=', 'refund')
        .execute();
      return rows.map((r) => r.amount_yen);
    };
    const outcomes = async (issuanceId: string) =>
      (
        await center.database.db
          .selectFrom('issuance_documents')
          .select('print_outcome')
          .where('issuance_id', '=', issuanceId)
          .orderBy('copy_index')
          .execute()
      ).map((d) => d.print_outcome);

    it('copy 2’s failure before copy 1’s printed refunds nothing; sent again with its key after it, copy 2 alone is refunded', async () => {
      const { q, first, second } = await paidTwoCopies();
      const failureKey = newKey();
      const early = await printResult(q.issuanceId, second, 'failed', failureKey);
      expect(refusalOf(early)).toEqual({ status: 503, code: 'ISSUANCE_EARLIER_COPY_UNREPORTED' });
      expect(await refunds(q.issuanceId)).toEqual([]);
      expect(await outcomes(q.issuanceId)).toEqual([null, null]);

      expect(ok(await printResult(q.issuanceId, first, 'printed'))).toMatchObject({ state: 'delivered', refundYen: 0 });
      expect(ok(await printResult(q.issuanceId, second, 'failed', failureKey))).toMatchObject({ state: 'refunded', refundYen: q.feeYen });
      expect(await refunds(q.issuanceId)).toEqual([-q.feeYen]);
      expect(await outcomes(q.issuanceId)).toEqual(['printed', 'failed']);
      const row = await center.database.db
        .selectFrom('issuances')
        .select(['state', 'refund_yen'])
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'refunded', refund_yen: q.feeYen });
    });

    it('copy 1’s printed and copy 2’s failure sent at the same moment end with copy 2 alone refunded, whichever lands first', async () => {
      for (let round = 0; round < 4; round++) {
        const { q, first, second } = await paidTwoCopies();
        const failureKey = newKey();
        // The failure goes out first: before the rule it usually won and refunded both copies.
        const [failed, printed] = await Promise.all([
          printResult(q.issuanceId, second, 'failed', failureKey),
          printResult(q.issuanceId, first, 'printed'),
        ]);
        expect(printed.status).toBe(200);
        if (!failed.ok) {
          expect(refusalOf(failed)).toEqual({ status: 503, code: 'ISSUANCE_EARLIER_COPY_UNREPORTED' });
          expect(ok(await printResult(q.issuanceId, second, 'failed', failureKey))).toMatchObject({ refundYen: q.feeYen });
        } else {
          expect(failed.body).toMatchObject({ state: 'refunded', refundYen: q.feeYen });
        }
        expect(await refunds(q.issuanceId)).toEqual([-q.feeYen]);
        expect(await outcomes(q.issuanceId)).toEqual(['printed', 'failed']);
      }
    });
  });
});
