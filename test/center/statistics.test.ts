/**
 * The statistics route (issue 12, item 5) over real TLS on both databases. Every issuance goes
 * through the real kiosk API (sign-in, menu, quote, payment, render, print results) on the test
 * clock, moved to each moment; only the store chains are direct inserts (store_chains rows and
 * kiosks.chain_code: enrolment with a chain is the fleet's work). The figures are then compared,
 * series by series, with what was done: issuances per Japan day and hour, by type and chain,
 * refusals by code and stage (the menu refusals as the kiosk was told them), failures with their
 * refunds, and the kiosks' card-to-print times as p50/p95. Municipal staff get their own figures
 * whatever they ask; a period longer than 400 days, or ending before it starts, is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticateResponse, CertificateType, StatisticsFigures } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { newKey, ok, refusalOf, type TestCard, type TestKiosk } from './support/center-harness.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';

const YOKOHAMA = '141003';
const CHIYODA = '131016';
const PERIOD = { from: '2026-11-24', to: '2026-11-25' };
/** After every visit: staff sign in then, and each console call is made then (console sessions run on the same clock). */
const AFTER_VISITS = '2026-11-26T12:30:00';
const codeOf = (body: unknown) => (body as { error?: { code?: string } } | null)?.error?.code;

interface Visit {
  kiosk: TestKiosk;
  card: TestCard;
  /** Japan time, e.g. '2026-11-24T12:00:00' */
  at: string;
  type?: CertificateType;
  copies?: number;
  /** journeyMs sent with each copy's printed result (none: no timing sent) */
  journeys?: number[];
  outcome?: 'printed' | 'failed';
}

forEachDatabase((databases) => {
  describe('console: statistics', () => {
    let con: ConsoleCenter;
    let operator: ConsoleClient;
    let yokohamaClerk: ConsoleClient;
    let chiyodaAdmin: ConsoleClient;
    let familyMart: TestKiosk;
    let lawson: TestKiosk;
    let unchained: TestKiosk;
    let yokohamaCard: TestCard;
    let chiyodaCard: TestCard;
    /** The refused menu lines the kiosk was told, per sign-in inside PERIOD (type-not-offered left out, as the center does). */
    const menuRefusals = new Map<string, number>();

    const setJapanTime = (at: string) => con.center.clock.set(new Date(`${at}+09:00`));
    const signIn = async (kiosk: TestKiosk, card: TestCard, at: string): Promise<AuthenticateResponse> => {
      setJapanTime(at);
      const session = ok(await con.center.authenticate(kiosk, card));
      if (card === yokohamaCard && at.slice(0, 10) >= PERIOD.from && at.slice(0, 10) <= PERIOD.to)
        for (const item of session.menu)
          if (!item.available && item.refusal && item.refusal !== 'ELIGIBILITY_TYPE_NOT_OFFERED')
            menuRefusals.set(item.refusal, (menuRefusals.get(item.refusal) ?? 0) + 1);
      return session;
    };

    /** One resident's visit through the real kiosk API, ending printed (or failed and refunded). */
    const visit = async ({ kiosk, card, at, type = 'residenceRecord', copies = 1, journeys, outcome = 'printed' }: Visit) => {
      const { sessionId } = await signIn(kiosk, card, at);
      const quote = ok(await con.center.quote(kiosk, sessionId, { certificateType: type, copies }));
      const delivery = ok(await con.center.pay(kiosk, quote));
      for (const [i, document] of delivery.documents.entries()) {
        const journeyMs = journeys?.[i];
        const report = { issueNumber: document.binding.issueNumber, outcome, ...(journeyMs === undefined ? {} : { journeyMs }) };
        ok(await con.center.reportPrint(kiosk, quote.issuanceId, report));
        if (outcome === 'failed') break;
      }
      return quote;
    };

    const chained = async (kiosk: TestKiosk, chainCode: string) => {
      await con.center.database.db
        .updateTable('kiosks')
        .set({ chain_code: chainCode })
        .where('terminal_id', '=', kiosk.terminalId)
        .execute();
    };

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), { build: { sweeper: false } });
      const { db } = con.center.database;
      const created_at = new Date().toISOString();
      await db
        .insertInto('store_chains')
        .values([
          { chain_code: 'FM', name: 'ファミリーマート', created_at },
          { chain_code: 'LS', name: 'ローソン', created_at },
        ])
        .execute();
      [familyMart, lawson, unchained] = await Promise.all([con.center.enrollKiosk(), con.center.enrollKiosk(), con.center.enrollKiosk()]);
      await Promise.all([chained(familyMart, 'FM'), chained(lawson, 'LS')]);
      [yokohamaCard, chiyodaCard] = await Promise.all([
        con.center.issueCard(con.center.demo.featured.ordinary),
        con.center.issueCard(con.center.demo.featured.chiyodaResident),
      ]);
      const y = yokohamaCard;
      // Inside PERIOD, in 横浜市:
      await visit({ kiosk: familyMart, card: y, at: '2026-11-24T12:00:00', copies: 2, journeys: [40_000, 45_000] });
      await visit({ kiosk: lawson, card: y, at: '2026-11-24T12:30:00', journeys: [30_000] });
      await visit({ kiosk: unchained, card: y, at: '2026-11-24T13:00:00', type: 'residenceItemsCertificate' });
      // 07:00 in Japan is 22:00 UTC the day before: it belongs to the 25th.
      await visit({ kiosk: familyMart, card: y, at: '2026-11-25T07:00:00', type: 'sealCertificate', journeys: [60_000] });
      await visit({ kiosk: familyMart, card: y, at: '2026-11-25T10:00:00', outcome: 'failed' });
      // Quoted at 22:59:50, paid at 23:00:10: refused at payment, outside the store hours (06:30–23:00).
      const { sessionId } = await signIn(lawson, y, '2026-11-25T22:59:50');
      const late = ok(await con.center.quote(lawson, sessionId));
      setJapanTime('2026-11-25T23:00:10');
      expect(refusalOf(await con.center.pay(lawson, late))).toEqual({ status: 403, code: 'ELIGIBILITY_OUTSIDE_HOURS' });
      // At 23:30 the menu refuses, and so does a quote asked for anyway.
      const night = await signIn(lawson, y, '2026-11-25T23:30:00');
      expect(refusalOf(await con.center.quote(lawson, night.sessionId))).toEqual({ status: 403, code: 'ELIGIBILITY_OUTSIDE_HOURS' });
      // Outside PERIOD, and another municipality's resident inside it:
      await visit({ kiosk: familyMart, card: y, at: '2026-11-26T12:00:00', journeys: [99_000] });
      await visit({ kiosk: familyMart, card: chiyodaCard, at: '2026-11-24T12:00:00', journeys: [12_345] });
      setJapanTime(AFTER_VISITS);
      const accounts = await Promise.all([
        con.createStaffAccount({ role: 'operator' }),
        con.createStaffAccount({ role: 'municipalityClerk', municipalityCode: YOKOHAMA }),
        con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: CHIYODA }),
      ]);
      [operator, yokohamaClerk, chiyodaAdmin] = await Promise.all([
        con.signIn(accounts[0]),
        con.signIn(accounts[1]),
        con.signIn(accounts[2]),
      ]);
    }, 60_000);
    afterAll(() => con?.close());

    const figures = async (client: ConsoleClient, query: Record<string, string>) => {
      setJapanTime(AFTER_VISITS);
      const res = await client.call('statistics', { query: query as never });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as StatisticsFigures;
    };

    it('counts 横浜市’s issuances per Japan day and hour, by type and store chain, exactly', async () => {
      const f = await figures(operator, { ...PERIOD, municipalityCode: YOKOHAMA });
      expect(f.municipalityCode).toBe(YOKOHAMA);
      expect(f.totals).toMatchObject({ issuances: 4, certificates: 5 });
      expect(f.perDay).toEqual([
        { date: '2026-11-24', issuances: 3, certificates: 4 },
        { date: '2026-11-25', issuances: 1, certificates: 1 },
      ]);
      expect(f.perHour).toHaveLength(24);
      expect(f.perHour.filter((h) => h.issuances > 0)).toEqual([
        { hour: 7, issuances: 1, certificates: 1 },
        { hour: 12, issuances: 2, certificates: 3 },
        { hour: 13, issuances: 1, certificates: 1 },
      ]);
      expect(f.byCertificateType).toEqual([
        { certificateType: 'residenceItemsCertificate', issuances: 1, certificates: 1 },
        { certificateType: 'residenceRecord', issuances: 2, certificates: 3 },
        { certificateType: 'sealCertificate', issuances: 1, certificates: 1 },
      ]);
      expect(f.byChain).toEqual(
        expect.arrayContaining([
          { chainCode: 'FM', chainName: 'ファミリーマート', issuances: 2, certificates: 3 },
          { chainCode: 'LS', chainName: 'ローソン', issuances: 1, certificates: 1 },
          { chainCode: null, chainName: null, issuances: 1, certificates: 1 },
        ]),
      );
      expect(f.byChain).toHaveLength(3);
    });

    it('counts refusals by code and stage, and failures with their refunds', async () => {
      const f = await figures(operator, { ...PERIOD, municipalityCode: YOKOHAMA });
      const expectedMenu = [...menuRefusals].map(([reasonCode, count]) => ({ reasonCode, stage: 'menu', count }));
      // The 23:30 sign-in's menu refuses every type for the hour: the menu part is not empty.
      expect(menuRefusals.get('ELIGIBILITY_OUTSIDE_HOURS')).toBeGreaterThan(0);
      const others = [
        { reasonCode: 'ELIGIBILITY_OUTSIDE_HOURS', stage: 'quote', count: 1 },
        { reasonCode: 'ELIGIBILITY_OUTSIDE_HOURS', stage: 'payment', count: 1 },
      ];
      const key = (r: { reasonCode: string; stage: string }) => `${r.reasonCode}/${r.stage}`;
      const sorted = <T extends { reasonCode: string; stage: string }>(rows: T[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
      expect(sorted(f.refusals)).toEqual(sorted([...expectedMenu, ...others]));
      expect(f.totals.refusals).toBe([...menuRefusals.values()].reduce((a, b) => a + b, 0) + 2);
      expect(f.failures).toEqual([{ failureCode: 'ISSUANCE_PRINT_FAILED', count: 1, refundYen: 300 }]);
      expect(f.totals).toMatchObject({ refunds: 1, refundYen: 300 });
    });

    it('keeps the refusal rows free of residents and sessions', async () => {
      const rows = await con.center.database.db.selectFrom('eligibility_refusals').selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(con.center.demo.featured.ordinary);
      expect(Object.keys(rows[0]!).sort()).toEqual(
        ['certificate_type', 'municipality_code', 'reason_code', 'refused_at', 'refusal_id', 'stage', 'terminal_id'].sort(),
      );
    });

    it('stores the kiosk’s journeyMs (the longest copy per issuance) and answers p50/p95 by nearest rank', async () => {
      const f = await figures(operator, { ...PERIOD, municipalityCode: YOKOHAMA });
      // 45 000 (two copies: 40 000 and 45 000), 30 000, 60 000; the issuance without timings has no sample.
      expect(f.journey).toEqual({ samples: 3, p50Ms: 45_000, p95Ms: 60_000 });
      const all = await figures(operator, PERIOD);
      expect(all.journey).toEqual({ samples: 4, p50Ms: 30_000, p95Ms: 60_000 });
      const none = await figures(operator, { from: '2026-11-01', to: '2026-11-02' });
      expect(none.journey).toEqual({ samples: 0, p50Ms: null, p95Ms: null });
      expect(none.totals).toEqual({ issuances: 0, certificates: 0, refunds: 0, refundYen: 0, refusals: 0 });
    });

    it('takes a print result retried without its journeyMs as the same call, and refuses one past the bound', async () => {
      setJapanTime('2026-11-24T15:00:00');
      const { sessionId } = await signIn(familyMart, chiyodaCard, '2026-11-24T15:00:00');
      const quote = ok(await con.center.quote(familyMart, sessionId));
      const [document] = ok(await con.center.pay(familyMart, quote)).documents;
      const issueNumber = document!.binding.issueNumber;
      const tooLong = await con.center.reportPrint(familyMart, quote.issuanceId, { issueNumber, journeyMs: 3_600_001 });
      expect(refusalOf(tooLong)).toEqual({ status: 400, code: 'INPUT_INVALID' });
      const idempotencyKey = newKey();
      const first = ok(await con.center.reportPrint(familyMart, quote.issuanceId, { issueNumber, idempotencyKey, journeyMs: 20_000 }));
      const retried = ok(await con.center.reportPrint(familyMart, quote.issuanceId, { issueNumber, idempotencyKey }));
      expect(retried).toEqual(first);
      const stored = await con.center.database.db
        .selectFrom('kiosk_journeys')
        .select('journey_ms')
        .where('issuance_id', '=', quote.issuanceId)
        .execute();
      expect(stored).toEqual([{ journey_ms: 20_000 }]);
      setJapanTime(AFTER_VISITS);
    });

    it('gives municipal staff their own municipality whatever they ask, and operators all or the one they choose', async () => {
      const own = await figures(yokohamaClerk, { ...PERIOD, municipalityCode: CHIYODA });
      expect(own.municipalityCode).toBe(YOKOHAMA);
      expect(own.totals).toMatchObject({ issuances: 4, certificates: 5 });
      const unasked = await figures(yokohamaClerk, PERIOD);
      expect(unasked.municipalityCode).toBe(YOKOHAMA);
      const chiyoda = await figures(chiyodaAdmin, { ...PERIOD, municipalityCode: YOKOHAMA });
      expect(chiyoda.municipalityCode).toBe(CHIYODA);
      expect(chiyoda.totals.issuances).toBe(2);
      expect(chiyoda.journey).toEqual({ samples: 2, p50Ms: 12_345, p95Ms: 20_000 });
      expect(chiyoda.refusals).toEqual([]);
      const all = await figures(operator, PERIOD);
      expect(all.municipalityCode).toBeNull();
      expect(all.totals.issuances).toBe(6);
      expect((await figures(operator, { ...PERIOD, municipalityCode: CHIYODA })).totals.issuances).toBe(2);
    });

    it('answers cost per certificate from the closed months of the fiscal year’s billing ledger, to the yen', async () => {
      // Direct inserts: the ledger of FY2025 (April 2025 – March 2026) as the billing close would have
      // written it, with an open month and the next fiscal year around it that must not count.
      const { db } = con.center.database;
      let n = 0;
      const entry = (month: string, kind: string, copies: number | null, amountYen: number, adjusts: string | null = null) => ({
        entry_id: `cost-${++n}`,
        kind,
        municipality_code: YOKOHAMA,
        chain_code: kind === 'participationCharge' ? null : 'FM',
        certificate_type: null,
        issuance_id: null,
        terminal_id: null,
        copies,
        unit_yen: null,
        amount_yen: amountYen,
        billing_month: month,
        fiscal_year: Number(month.slice(0, 4)) - (Number(month.slice(5)) < 4 ? 1 : 0),
        corrects_month: adjusts ? '2025-04' : null,
        adjusts,
        note: null,
        staff_id: null,
        occurred_at: `${month}-10T03:00:00.000Z`,
        recorded_at: `${month}-10T03:00:00.000Z`,
      });
      await db
        .insertInto('billing_ledger')
        .values([
          entry('2025-04', 'fee', 10, 3000),
          entry('2025-04', 'refund', -2, -600),
          entry('2025-04', 'storeCommission', 8, -920),
          entry('2025-04', 'commissionTax', null, -92),
          entry('2025-04', 'participationCharge', null, -9_700_000),
          entry('2025-05', 'fee', 5, 1500),
          entry('2025-05', 'storeCommission', 5, -575),
          entry('2025-05', 'commissionTax', null, -57),
          // A late refund of April, entered in May: the refund and the commission given back.
          entry('2025-05', 'adjustment', -1, -300, 'refund'),
          entry('2025-05', 'adjustment', -1, 115, 'storeCommission'),
          entry('2025-05', 'adjustment', null, 11, 'commissionTax'),
          entry('2025-06', 'fee', 100, 30_000), // open: not counted
          entry('2026-03', 'fee', 3, 900), // 31 March 2026 is still FY2025
          entry('2026-03', 'storeCommission', 3, -345),
          entry('2026-03', 'commissionTax', null, -34),
          entry('2026-04', 'fee', 1000, 300_000), // FY2026
        ])
        .execute();
      const month = (billing_month: string, state: string) => ({
        municipality_code: YOKOHAMA,
        billing_month,
        state,
        closed_at: state === 'closed' ? '2026-05-01T00:00:00.000Z' : null,
        closed_by: null,
      });
      await db
        .insertInto('billing_months')
        .values([
          month('2025-04', 'closed'),
          month('2025-05', 'closed'),
          month('2025-06', 'open'),
          month('2026-03', 'closed'),
          month('2026-04', 'closed'),
        ])
        .execute();
      setJapanTime(AFTER_VISITS);
      const res = await operator.call('costPerCertificate', { query: { fiscalYear: 2025 } as never });
      expect(res.status).toBe(200);
      const body = res.body as { fiscalYear: number; municipalities: { municipalityCode: string }[] };
      expect(body.fiscalYear).toBe(2025);
      expect(body.municipalities.map((m) => m.municipalityCode).sort()).toEqual(
        con.center.demo.batch.municipalities!.map((m) => m.code).sort(),
      );
      const storeCommissionYen = 920 + 92 + 575 + 57 - 115 - 11 + 345 + 34;
      expect(body.municipalities.find((m) => m.municipalityCode === YOKOHAMA)).toEqual({
        municipalityCode: YOKOHAMA,
        closedMonths: 3,
        storeCommissionYen,
        participationChargeYen: 9_700_000,
        certificates: 10 - 2 + 5 - 1 + 3,
        costPerCertificateYen: Math.round((storeCommissionYen + 9_700_000) / 15),
      });
      expect(body.municipalities.find((m) => m.municipalityCode === CHIYODA)).toEqual({
        municipalityCode: CHIYODA,
        closedMonths: 0,
        storeCommissionYen: 0,
        participationChargeYen: 0,
        certificates: 0,
        costPerCertificateYen: null,
      });
      // Municipal staff: their own, whatever they ask.
      const own = await chiyodaAdmin.call('costPerCertificate', { query: { fiscalYear: 2025, municipalityCode: YOKOHAMA } as never });
      expect((own.body as typeof body).municipalities.map((m) => m.municipalityCode)).toEqual([CHIYODA]);
      const bad = await operator.call('costPerCertificate', { query: { fiscalYear: 'last year' } as never });
      expect([bad.status, codeOf(bad.body)]).toEqual([400, 'INPUT_INVALID']);
    });

    it('refuses a period ending before it starts, longer than 400 days or not a date: 400, nothing answered', async () => {
      for (const query of [
        { from: '2026-11-25', to: '2026-11-24' },
        { from: '2025-10-01', to: '2026-11-05' },
        { from: '2026-02-30', to: '2026-03-01' },
        { from: '2026-11-24', to: '2026-11-25', municipalityCode: 'x' },
      ]) {
        const res = await operator.call('statistics', { query });
        expect([res.status, codeOf(res.body)], JSON.stringify(query)).toEqual([400, 'INPUT_INVALID']);
      }
      // 400 days, both ends included, is the longest period answered.
      expect((await operator.call('statistics', { query: { from: '2025-10-01', to: '2026-11-04' } })).status).toBe(200);
    });
  });
});
