/**
 * Billing to the yen (issue 12, item 4): a month of mixed traffic through the real issuance service
 * over mutual TLS — two municipalities, two store chains, a fee change and a commission change in
 * the middle of March, copies > 1, refunds (a failed copy, a cancel after payment), an issuance at
 * 23:59:59 JST on 31 March and one at 00:00 JST on 1 April — then the close of March, and a refund
 * that arrives after it. The ledger, the statements (JSON, CSV and the PDF's text) and the issuance
 * history (issuances and audit_events) must agree to the yen; the late refund is an adjustment in
 * April naming March, and March's statement files are the same bytes before and after it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCrl } from '@madoguchi/card-sim';
import { formatThousands, type ConsoleResponse, type ConsoleRouteName, type QuoteResponse } from '@madoguchi/shared';
import { createPolicyStore } from '@madoguchi/center/policy';
import { forEachDatabase } from '../support/databases.js';
import { ok, type TestCard, type TestKiosk } from './support/center-harness.js';
import {
  startConsoleCenter,
  type ConsoleCenter,
  type ConsoleClient,
  type ConsoleInput,
  type StaffAccount,
} from './support/console-harness.js';
import { pdfPageTexts } from './support/kiosk-checks.js';

const CHIYODA = '131016';
const OKUTAMA = '133086';
/** An instant given in Japan time. */
const jst = (local: string) => new Date(`${local}+09:00`);

interface Issued {
  issuanceId: string;
  chain: 'chain-a' | 'chain-b';
  municipalityCode: string;
  feeYen: number;
  copies: number;
  issueNumbers: string[];
}

forEachDatabase((databases) => {
  describe('billing reconciliation', () => {
    let con: ConsoleCenter;
    let operatorAccount: StaffAccount;
    let operator: ConsoleClient;
    const kiosks = {} as Record<'chain-a' | 'chain-b', TestKiosk>;
    const cards = {} as Record<string, TestCard>;
    const issued: Issued[] = [];
    let boundary: Issued;
    let marchFiles: { pdf: string; csv: string };

    /** Moves the center's clock and signs the operator in again (a console session lasts 12 h at most). */
    const at = async (local: string) => {
      con.center.clock.set(jst(local));
      operator = await con.signIn(operatorAccount);
    };
    const call = async <N extends ConsoleRouteName>(name: N, input: ConsoleInput<N>): Promise<ConsoleResponse<N>> => {
      const res = await operator.call(name, input);
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as ConsoleResponse<N>;
    };

    /** One resident's visit at `local` (JST): authenticate, quote, pay; the documents are not printed yet. */
    async function issue(
      local: string,
      chain: Issued['chain'],
      municipalityCode: string,
      type: 'residenceRecord' | 'sealCertificate',
      copies: number,
    ) {
      con.center.clock.set(jst(local));
      const kiosk = kiosks[chain];
      const sessionId = ok(await con.center.authenticate(kiosk, cards[municipalityCode]!)).sessionId;
      const q: QuoteResponse = ok(await con.center.quote(kiosk, sessionId, { certificateType: type, options: {}, copies }));
      const d = ok(await con.center.pay(kiosk, q));
      const one = {
        issuanceId: q.issuanceId,
        chain,
        municipalityCode,
        feeYen: q.feeYen,
        copies,
        issueNumbers: d.documents.map((doc) => doc.binding.issueNumber),
      };
      issued.push(one);
      return one;
    }
    const print = async (one: Issued, outcomes: ('printed' | 'failed')[] = one.issueNumbers.map(() => 'printed')) => {
      for (const [i, outcome] of outcomes.entries())
        ok(await con.center.reportPrint(kiosks[one.chain], one.issuanceId, { issueNumber: one.issueNumbers[i]!, outcome }));
    };

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), {
        build: { sweeper: false },
        // The story runs in March and April 2027: CRLs that are current then (the PKI's own last a week from today).
        crlPaths: (pki) =>
          (['current', 'previous'] as const).map((generation) => {
            const path = join(pki.dir, `billing-${generation}.pem`);
            publishCrl(pki, { generation, path, thisUpdate: jst('2026-11-01T00:00:00'), nextUpdate: jst('2027-07-01T00:00:00') });
            return path;
          }),
      });
      operatorAccount = await con.createStaffAccount({ role: 'operator', municipalityCode: null });
      await at('2027-03-01T09:00:00');
      for (const chainCode of ['chain-a', 'chain-b'] as const) {
        await call('createStoreChain', { body: { chainCode, name: chainCode === 'chain-a' ? 'エーマート' : 'ビーストア' } });
        kiosks[chainCode] = await con.center.enrollKiosk(undefined, { chainCode });
      }
      // Chain B's commission rises to 120 yen from 16 March; chain A keeps the default (115).
      await call('scheduleStoreCommission', { body: { chainCode: 'chain-b', effectiveFrom: '2027-03-16', rateYen: 120 } });
      // Kiosks open round the clock for the boundary issuances; 千代田区's 住民票 costs 250 from 16 March (200 before).
      const policies = createPolicyStore(con.center.database);
      for (const code of [CHIYODA, OKUTAMA]) {
        const policy = (await policies.getPolicy(code))!;
        const allDay = [{ weekdays: [0, 1, 2, 3, 4, 5, 6], from: '00:00', to: '24:00', closedOnHolidays: false }];
        await policies.putPolicy({
          ...policy,
          offerings: policy.offerings.map((o) => ({
            ...o,
            hours: allDay,
            fees:
              code === CHIYODA && o.certificateType === 'residenceRecord'
                ? [...o.fees, { effectiveFrom: '2027-03-16', feeYen: 250 }]
                : o.fees,
          })),
        });
      }
      cards[CHIYODA] = await con.center.issueCard(con.center.demo.featured.chiyodaResident);
      cards[OKUTAMA] = await con.center.issueCard(con.center.demo.featured.okutamaResident);
    }, 120_000);
    afterAll(() => con?.close());

    it('records a fee per payment and a refund per refund, in the fee’s Japan month (23:59:59 on 31 March: March, FY2026)', async () => {
      await print(await issue('2027-03-02T10:00:00', 'chain-a', CHIYODA, 'residenceRecord', 1));
      await print(await issue('2027-03-05T11:00:00', 'chain-b', CHIYODA, 'residenceRecord', 2));
      await print(await issue('2027-03-10T12:00:00', 'chain-a', OKUTAMA, 'residenceRecord', 1));
      await print(await issue('2027-03-12T13:00:00', 'chain-a', CHIYODA, 'sealCertificate', 1));
      // After the fee change: three copies, the second fails (two copies refunded at 250).
      await print(await issue('2027-03-20T14:00:00', 'chain-b', CHIYODA, 'residenceRecord', 3), ['printed', 'failed']);
      // Paid, then cancelled by the kiosk: the whole fee back.
      const cancelled = await issue('2027-03-25T15:00:00', 'chain-b', OKUTAMA, 'residenceRecord', 1);
      ok(await con.center.cancel(kiosks['chain-b'], cancelled.issuanceId));
      boundary = await issue('2027-03-31T23:59:59', 'chain-a', CHIYODA, 'residenceRecord', 2);
      await print(await issue('2027-04-01T00:00:00', 'chain-a', CHIYODA, 'residenceRecord', 1));

      expect(issued.map((i) => i.feeYen)).toEqual([200, 200, 150, 200, 250, 150, 250, 250]);
      const fees = await con.center.database.db.selectFrom('billing_ledger').selectAll().where('kind', '=', 'fee').execute();
      const byIssuance = new Map(fees.map((f) => [f.issuance_id, f]));
      expect(byIssuance.get(boundary.issuanceId)).toMatchObject({
        billing_month: '2027-03',
        fiscal_year: 2026,
        amount_yen: 500,
        chain_code: 'chain-a',
      });
      expect(byIssuance.get(issued.at(-1)!.issuanceId)).toMatchObject({ billing_month: '2027-04', fiscal_year: 2027, amount_yen: 250 });
      const refunds = await con.center.database.db.selectFrom('billing_ledger').selectAll().where('kind', '=', 'refund').execute();
      expect(refunds.map((r) => [r.issuance_id, r.amount_yen, r.copies, r.billing_month]).sort()).toEqual(
        [
          [issued[4]!.issuanceId, -500, -2, '2027-03'],
          [cancelled.issuanceId, -150, -1, '2027-03'],
        ].sort(),
      );
    });

    it('refuses to close a month that has not ended, closes March once, and a second close changes nothing', async () => {
      await at('2027-04-01T00:10:00');
      const early = await operator.call('closeBillingMonth', { params: { municipalityCode: CHIYODA, month: '2027-04' }, body: {} });
      expect([early.status, (early.body as { error: { code: string } }).error.code]).toEqual([409, 'BILLING_MONTH_NOT_ENDED']);
      for (const code of [CHIYODA, OKUTAMA])
        await call('closeBillingMonth', { params: { municipalityCode: code, month: '2027-03' }, body: {} });
      const again = await operator.call('closeBillingMonth', { params: { municipalityCode: CHIYODA, month: '2027-03' }, body: {} });
      expect([again.status, (again.body as { error: { code: string } }).error.code]).toEqual([409, 'BILLING_MONTH_CLOSED']);
    });

    it("March's statements reconcile with the history to the yen: commission per chain and rate, tax rounded down per chain", async () => {
      const chiyoda = await call('billingStatement', { params: { municipalityCode: CHIYODA, month: '2027-03' } });
      expect(chiyoda).toMatchObject({ state: 'closed', fiscalYear: 2026 });
      // From the issuances themselves: fees by type, refunds, net certificates per chain.
      const march = issued.filter((i) => i.issuanceId !== issued.at(-1)!.issuanceId && i.municipalityCode === CHIYODA);
      const rows = await con.center.database.db
        .selectFrom('issuances')
        .selectAll()
        .where(
          'issuance_id',
          'in',
          march.map((i) => i.issuanceId),
        )
        .execute();
      const paid = rows.reduce((s, r) => s + (r.paid_yen ?? 0), 0);
      const refunded = rows.reduce((s, r) => s + r.refund_yen, 0);
      expect(paid).toBe(200 + 400 + 200 + 750 + 500);
      expect(refunded).toBe(500);
      expect(chiyoda.feesCollectedYen).toBe(paid);
      expect(chiyoda.refundsYen).toBe(-refunded);
      expect(chiyoda.certificates).toEqual([
        { certificateType: 'residenceRecord', count: 1 + 2 + 1 + 2, feesYen: 200 + 400 + 750 - 500 + 500 },
        { certificateType: 'sealCertificate', count: 1, feesYen: 200 },
      ]);
      // chain-a: 1 + 1 + 2 copies at 115; chain-b: 2 copies before the 16th at 115, 1 after at 120.
      expect(chiyoda.chains.map((c) => [c.chainCode, c.rates.map((r) => [r.unitYen, r.certificates]), c.commissionYen, c.taxYen])).toEqual([
        ['chain-a', [[115, 4]], -460, -46],
        [
          'chain-b',
          [
            [115, 2],
            [120, 1],
          ],
          -350,
          -35,
        ],
      ]);
      expect(chiyoda.netYen).toBe(paid - refunded - 460 - 46 - 350 - 35);
      // 奥多摩町: one copy at 115 — the tax, 11.5, rounds down to 11; the cancelled one counts nothing.
      const okutama = await call('billingStatement', { params: { municipalityCode: OKUTAMA, month: '2027-03' } });
      expect([okutama.feesCollectedYen, okutama.refundsYen, okutama.storeCommissionYen, okutama.commissionTaxYen, okutama.netYen]).toEqual([
        300,
        -150,
        -115,
        -11,
        300 - 150 - 115 - 11,
      ]);

      // The same figures in the CSV and in the PDF's text.
      const csvFile = await call('billingStatementFile', {
        params: { municipalityCode: CHIYODA, month: '2027-03' },
        query: { format: 'csv' },
      });
      const csv = Buffer.from(csvFile.contentBase64, 'base64').toString('utf8');
      expect(csv).toContain(`total,net,,,,${chiyoda.netYen},,\r\n`);
      expect(csv).toContain(`storeCommission,ビーストア,chain-b,1,120,-120,,\r\n`);
      const pdfFile = await call('billingStatementFile', {
        params: { municipalityCode: CHIYODA, month: '2027-03' },
        query: { format: 'pdf' },
      });
      const text = (await pdfPageTexts(Buffer.from(pdfFile.contentBase64, 'base64'))).join('');
      for (const figure of [
        `差引額${formatThousands(chiyoda.netYen)}円`,
        `手数料収入${formatThousands(paid)}円`,
        'ビーストア1120円-120円-35円',
        '千代田区',
      ])
        expect(text).toContain(figure);
      marchFiles = { pdf: pdfFile.contentBase64, csv: csvFile.contentBase64 };

      // The chains' settlements add up to the municipalities' statements (March has no participation charge).
      const settlements = await Promise.all(
        (['chain-a', 'chain-b'] as const).map((chainCode) => call('chainSettlement', { params: { chainCode, month: '2027-03' } })),
      );
      for (const s of [chiyoda, okutama]) {
        const remitted = settlements.flatMap((x) => x.lines).filter((l) => l.municipalityCode === s.municipalityCode);
        expect(remitted.reduce((sum, l) => sum + l.remitYen, 0)).toBe(s.netYen);
      }
    });

    it('a refund after the close is an adjustment in April naming March; March stays byte for byte the same', async () => {
      await at('2027-04-01T00:20:00');
      // The boundary issuance's second copy fails now: one copy (250) back, after March was closed.
      await print(boundary, ['printed', 'failed']);
      const april = await call('billingStatement', { params: { municipalityCode: CHIYODA, month: '2027-04' } });
      expect(april.adjustments.map((a) => [a.adjusts, a.correctsMonth, a.chainCode, a.amountYen])).toEqual([
        ['refund', '2027-03', 'chain-a', -250],
        ['storeCommission', '2027-03', 'chain-a', 115],
        ['commissionTax', '2027-03', 'chain-a', 11],
      ]);
      expect(april.adjustmentsYen).toBe(-250 + 115 + 11);
      const history = await con.center.database.db
        .selectFrom('audit_events')
        .select(['event', 'detail_json'])
        .where('event', '=', 'billing_adjustment_recorded')
        .execute();
      expect(history.map((h) => JSON.parse(h.detail_json!) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ month: '2027-04', correctsMonth: '2027-03', adjusts: 'refund', amountYen: -250 + 115 + 11 }),
      ]);
      for (const format of ['pdf', 'csv'] as const) {
        const again = await call('billingStatementFile', {
          params: { municipalityCode: CHIYODA, month: '2027-03' },
          query: { format },
        });
        expect(again.contentBase64, format).toBe(marchFiles[format]);
      }
    });

    it('the whole ledger agrees with the issuances and the history rows to the yen', async () => {
      const db = con.center.database.db;
      const ledger = await db.selectFrom('billing_ledger').selectAll().execute();
      const issuances = await db.selectFrom('issuances').selectAll().execute();
      const events = await db
        .selectFrom('audit_events')
        .select(['event', 'detail_json'])
        .where('event', 'in', ['paid', 'refunded'])
        .execute();
      const detailSum = (event: string, field: string) =>
        events
          .filter((e) => e.event === event)
          .reduce((s, e) => s + ((JSON.parse(e.detail_json!) as Record<string, number>)[field] ?? 0), 0);
      const fees = ledger.filter((e) => e.kind === 'fee').reduce((s, e) => s + e.amount_yen, 0);
      const refunds = ledger.filter((e) => e.kind === 'refund' || e.adjusts === 'refund').reduce((s, e) => s + e.amount_yen, 0);
      expect(fees).toBe(issuances.reduce((s, r) => s + (r.paid_yen ?? 0), 0));
      expect(fees).toBe(detailSum('paid', 'paidYen'));
      expect(-refunds).toBe(issuances.reduce((s, r) => s + r.refund_yen, 0));
      expect(-refunds).toBe(detailSum('refunded', 'refundYen'));
      expect(ledger.filter((e) => e.kind === 'fee')).toHaveLength(issued.length);
    });

    it('April closes with the participation charge of each municipality’s band for FY2027, from the recorded population', async () => {
      await at('2027-05-01T09:00:00');
      await call('putBillingProfile', {
        params: { municipalityCode: CHIYODA, fiscalYear: 2027 },
        body: { kind: 'specialWard', population: 160_000 },
      });
      for (const code of [CHIYODA, OKUTAMA])
        await call('closeBillingMonth', { params: { municipalityCode: code, month: '2027-04' }, body: {} });
      const chiyoda = await call('billingStatement', { params: { municipalityCode: CHIYODA, month: '2027-04' } });
      const okutama = await call('billingStatement', { params: { municipalityCode: OKUTAMA, month: '2027-04' } });
      // 千代田区 as recorded for FY2027 (a ward banded as a city ≥150k: 470万円); 奥多摩町 from its municipal record (town: 70万円).
      expect(chiyoda.participationChargeYen).toBe(-4_700_000);
      expect(okutama.participationChargeYen).toBe(-700_000);
      // April's own certificate (250 at 00:00 on 1 April) and the adjustment of March.
      expect(chiyoda.netYen).toBe(250 - 115 - 11 - 250 + 115 + 11 - 4_700_000);
    });
  });
});
