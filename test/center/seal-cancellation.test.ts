/**
 * docs/misissuance.md#r5 (docs/misissuance.md#cancelled-seal: 印鑑登録証明書 of cancelled
 * registrations), through the whole kiosk API: kiosks keep issuing the resident's 印鑑登録証明書 while an import
 * cancels the registration (on PostgreSQL through a second pool, as another center process would).
 * Every payment that starts after the import has returned is refused before the money is taken
 * (the quote is voided, the kiosk returns the cash it holds); no document is made for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuoteResponse } from '@madoguchi/shared';
import { createMunicipalStore } from '@madoguchi/center/residents';
import { forEachDatabase } from '../support/databases.js';
import {
  ok,
  refusalOf,
  startCenter,
  type CenterHarness,
  type RouteResult,
  type TestCard,
  type TestKiosk,
} from './support/center-harness.js';

const KIOSKS = 3;

interface Attempt {
  phase: 'quote' | 'payment';
  startedAt: number;
  status: number;
  code?: string;
  issuanceId?: string;
}

forEachDatabase((harness) => {
  describe('seal registration cancelled while kiosks issue', () => {
    let center: CenterHarness;
    let kiosks: TestKiosk[];
    let card: TestCard;
    let importer: ReturnType<typeof createMunicipalStore>;

    beforeAll(async () => {
      const database = await harness.fresh();
      center = await startCenter(database, { build: { sweeper: false }, renderWorkers: 2 });
      kiosks = await Promise.all(Array.from({ length: KIOSKS }, () => center.enrollKiosk()));
      card = await center.issueCard(center.demo.featured.ordinary);
      importer = createMunicipalStore(harness.kind === 'postgres' ? await harness.openAnother(database) : database);
    });
    afterAll(() => center?.close());

    it('never delivers a 印鑑登録証明書 for a payment that started after the cancellation was imported', async () => {
      const attempts: Attempt[] = [];
      let importedAt = Number.POSITIVE_INFINITY;
      let stop = false;
      let heldQuote: QuoteResponse | undefined;
      let heldPayment: RouteResult<'pay'> | undefined;
      const loop = async (kiosk: TestKiosk) => {
        for (let i = 0; i < 40 && !stop; i++) {
          const session = ok(await center.authenticate(kiosk, card));
          const quoteStarted = performance.now();
          const q = await center.quote(kiosk, session.sessionId, { certificateType: 'sealCertificate' });
          attempts.push({ phase: 'quote', startedAt: quoteStarted, ...refusalOf(q) });
          if (!q.ok) continue;
          const payStarted = performance.now();
          const d = await center.pay(kiosk, q.body);
          attempts.push({ phase: 'payment', startedAt: payStarted, ...refusalOf(d), issuanceId: q.body.issuanceId });
          if (d.ok) {
            await center.reportPrint(kiosk, q.body.issuanceId, { issueNumber: d.body.documents[0]!.binding.issueNumber });
          }
        }
      };
      const cancelLater = async () => {
        // Let a few issuances succeed first.
        while (attempts.filter((a) => a.phase === 'payment' && a.status === 200).length < 3) await new Promise((r) => setTimeout(r, 20));
        // A quote taken before the cancellation, paid after it: refused at payment, nothing charged.
        const held = ok(await center.authenticate(kiosks[0]!, card));
        heldQuote = ok(await center.quote(kiosks[0]!, held.sessionId, { certificateType: 'sealCertificate' }));
        expect(heldQuote.state).toBe('quoted');
        const active = center.demo.batch.sealRegistrations.filter(
          (s) => s.residentId === center.demo.featured.ordinary && s.status === 'active',
        );
        expect(active.length).toBeGreaterThan(0);
        await importer.importBatch({
          sealRegistrations: active.map((s) => ({ ...s, status: 'cancelled' as const, cancelledOn: center.demo.referenceDate })),
        });
        importedAt = performance.now();
        heldPayment = await center.pay(kiosks[0]!, heldQuote);
        // Keep issuing for a while after the import, then stop.
        while (attempts.filter((a) => a.startedAt > importedAt).length < 6) await new Promise((r) => setTimeout(r, 20));
        stop = true;
      };
      await Promise.all([...kiosks.map((k) => loop(k)), cancelLater()]);

      const before = attempts.filter((a) => a.phase === 'payment' && a.status === 200);
      expect(before.length).toBeGreaterThanOrEqual(3);
      const after = attempts.filter((a) => a.startedAt > importedAt);
      expect(after.length).toBeGreaterThanOrEqual(6);
      for (const a of after) {
        expect(a.status).not.toBe(200);
        expect(a.code).toBe('ELIGIBILITY_NO_SEAL_REGISTRATION');
      }
      expect(refusalOf(heldPayment!)).toEqual({ status: 403, code: 'ELIGIBILITY_NO_SEAL_REGISTRATION' });
      // Every payment refused at payment time was refused before the money was taken: the quote is
      // void with the refusal's code, nothing was charged and no document (or issue number) exists.
      const refusedPayments = [...after.filter((x) => x.phase === 'payment').map((a) => a.issuanceId!), heldQuote!.issuanceId];
      for (const issuanceId of refusedPayments) {
        const row = await center.database.db
          .selectFrom('issuances')
          .select(['state', 'paid_yen', 'failure_code'])
          .where('issuance_id', '=', issuanceId)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ state: 'voided', paid_yen: null, failure_code: 'ELIGIBILITY_NO_SEAL_REGISTRATION' });
        expect(
          await center.database.db.selectFrom('issuance_documents').select('issue_number').where('issuance_id', '=', issuanceId).execute(),
        ).toEqual([]);
      }
    });
  });
});
