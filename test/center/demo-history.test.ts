/**
 * The demo's months of history (issue 12, item 7), on both databases: a demo state directory
 * prepared by scripts/demo-world.ts holds, before the demo's first day, several months of issuances
 * at several store chains' kiosks — every certificate type, each at the fee its municipality's
 * policy set for that day, refunds with their incidents, refusals — whose audit chain verifies; a
 * second preparation adds nothing. The history here is shorter than the demo's (two whole months
 * and a few visits a day) to keep the file quick; the plan itself is tested in history-plan.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, verifyAuditChain, type CenterDatabase } from '@madoguchi/center';
import { japanDate, type CertificateType } from '@madoguchi/shared';
import { demoHistoryChains, demoHistoryKiosks, generateDemoData } from '@madoguchi/shared/demo-data';
import { prepareDemo, type PrepareOptions } from '../../scripts/demo-world.js';
import { forEachDatabase } from '../support/databases.js';

/** The demo's first day: the Yokohama 住民票 fee changed on 1 December, inside this history. */
const TODAY = '2026-12-08';
// A few visits a day, failing four times as often as the demo's, so that two months show every kind of refund.
const history: PrepareOptions['history'] = { today: TODAY, months: 2, visitsPerWeekday: 2, troubleFactor: 4 };
const demo = generateDemoData();
const historyTerminals = demoHistoryKiosks.map((k) => k.terminalId);

/** The fee the municipality's policy sets for a certificate type on a Japan date. */
function policyFee(municipalityCode: string, certificateType: string, date: string): number {
  const offering = demo.policies
    .find((p) => p.municipalityCode === municipalityCode)!
    .offerings.find((o) => o.certificateType === certificateType)!;
  return offering.fees.filter((f) => f.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0]!.feeYen;
}

async function tableCounts(database: CenterDatabase): Promise<Record<string, number>> {
  const tables = ['issuances', 'issuance_documents', 'audit_events', 'incidents', 'kiosks', 'store_chains', 'sessions'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

// One state directory for both databases, as a demo moved to PostgreSQL keeps its cards and keys.
const stateDir = mkdtempSync(join(tmpdir(), 'madoguchi-demo-history-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

forEachDatabase((databases) => {
  describe('the demo history', () => {
    let options: PrepareOptions;
    let database: CenterDatabase;
    let lines: string[];

    beforeAll(async () => {
      // PostgreSQL: an empty database the demo migrates itself; SQLite: the state directory's own file.
      const postgres = databases.kind === 'postgres' ? await databases.fresh({ migrate: false }) : null;
      const config = postgres ? databases.configOf(postgres) : null;
      options = { history, ...(config?.kind === 'postgres' ? { databaseUrl: config.connectionString } : {}) };
      lines = [];
      await prepareDemo(stateDir, (line) => lines.push(line), options);
      database = postgres ?? (await openDatabase({ kind: 'sqlite', path: join(stateDir, 'center', 'center.sqlite') }));
    }, 120_000);
    afterAll(async () => {
      if (databases.kind === 'sqlite') await database?.close();
    });

    it('holds several months before the demo’s first day, at every chain’s kiosks, every certificate type', async () => {
      const rows = await database.db
        .selectFrom('issuances as i')
        .innerJoin('kiosks as k', 'k.terminal_id', 'i.terminal_id')
        .select(['i.created_at', 'i.certificate_type', 'k.chain_code', 'i.terminal_id'])
        .execute();
      expect(rows.length).toBeGreaterThan(100);
      const days = rows.map((r) => japanDate(new Date(r.created_at)));
      expect(new Set(days.map((d) => d.slice(0, 7)))).toEqual(new Set(['2026-10', '2026-11', '2026-12']));
      expect(days.every((d) => d < TODAY)).toBe(true);
      expect(new Set(rows.map((r) => r.chain_code))).toEqual(new Set(demoHistoryChains.map((c) => c.chainCode)));
      expect(new Set(rows.map((r) => r.terminal_id))).toEqual(new Set(historyTerminals));
      const types: CertificateType[] = [
        'residenceRecord',
        'residenceItemsCertificate',
        'sealCertificate',
        'familyRegisterFull',
        'familyRegisterIndividual',
        'familyRegisterAddressHistory',
        'taxCertificate',
      ];
      expect(new Set(rows.map((r) => r.certificate_type))).toEqual(new Set(types));
    });

    it('charges each issuance the fee its municipality’s policy set for that day (横浜市 住民票: 300 yen, 250 from 1 December)', async () => {
      const rows = await database.db
        .selectFrom('issuances')
        .select(['municipality_code', 'certificate_type', 'created_at', 'fee_yen'])
        .execute();
      const wrong = rows.filter((r) => r.fee_yen !== policyFee(r.municipality_code, r.certificate_type, japanDate(new Date(r.created_at))));
      expect(wrong).toEqual([]);
      const yokohamaRecordFees = new Set(
        rows.filter((r) => r.municipality_code === '141003' && r.certificate_type === 'residenceRecord').map((r) => r.fee_yen),
      );
      expect(yokohamaRecordFees).toEqual(new Set([300, 250]));
    });

    it('has refunds with their incidents (print failed, rejected at the last hop, no print result) and refusals', async () => {
      const refunded = await database.db
        .selectFrom('issuances')
        .select(['failure_code', 'refund_yen', 'total_yen'])
        .where('state', '=', 'refunded')
        .execute();
      // The printer failed; the last-hop check refused the document; no print result came (the sweeper's refund).
      const codes = [...new Set(refunded.map((r) => r.failure_code))];
      expect(codes).toEqual(expect.arrayContaining(['PRINTER_UNAVAILABLE', 'ISSUANCE_DOCUMENT_MISMATCH', 'ISSUANCE_PRINT_FAILED']));
      // …or the resident took the card out after paying, before the print.
      expect(codes.filter((c) => c !== 'CARD_REMOVED')).toHaveLength(3);
      // The first copy failed each time, so nothing was printed and the whole amount went back.
      expect(refunded.every((r) => r.refund_yen === r.total_yen && r.refund_yen > 0)).toBe(true);
      const incidents = await database.db.selectFrom('incidents').select('kind').execute();
      expect([...new Set(incidents.map((i) => i.kind))]).toEqual(
        expect.arrayContaining(['print_failed', 'document_rejected', 'print_result_missing', 'success_after_failure']),
      );
      const voided = await database.db.selectFrom('issuances').select('failure_code').where('state', '=', 'voided').execute();
      expect(voided.map((v) => v.failure_code)).toContain('ELIGIBILITY_OUTSIDE_HOURS');
    });

    it('is a history whose chain verifies, written before the demo’s own kiosk joined', async () => {
      const verification = await verifyAuditChain(database.db);
      expect(verification.problems).toEqual([]);
      expect(verification.ok).toBe(true);
      const demoKioskEnrolled = await database.db
        .selectFrom('audit_events')
        .select('seq')
        .where('event', '=', 'kiosk_enrolled')
        .where('terminal_id', '=', 'KIOSK-0001')
        .executeTakeFirstOrThrow();
      const lastOfHistory = await database.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('terminal_id', 'in', historyTerminals)
        .executeTakeFirstOrThrow();
      expect(Number(lastOfHistory.seq)).toBeLessThan(demoKioskEnrolled.seq);
      // What the start prints says how much was made, in ids and counts only.
      const said = lines.find((l) => l.startsWith('demo history:') && l.includes('issuances'));
      expect(said).toMatch(/^demo history: \d+ issuances \(\d+ refunded\) from 2026-10-01 to 2026-12-07 at 8 kiosks of 3 chains, /);
      expect(said).toMatch(/, closed 2026-10 2026-11 \(\d+ ms\)$/);
    });

    it('has the past months closed for billing and the current one open, its ledger to the yen of the issuances', async () => {
      const months = await database.db.selectFrom('billing_months').select(['municipality_code', 'billing_month', 'state']).execute();
      const closed = months.filter((m) => m.state === 'closed').map((m) => `${m.municipality_code} ${m.billing_month}`);
      const codes = demo.batch.municipalities.map((m) => m.code);
      expect(closed.sort()).toEqual(codes.flatMap((c) => [`${c} 2026-10`, `${c} 2026-11`]).sort());
      // Every fee collected and every refund is one ledger entry of the same amount (a fee +, a refund −).
      const ledger = await database.db.selectFrom('billing_ledger').select(['kind', 'amount_yen']).execute();
      const paid = await database.db
        .selectFrom('issuances')
        .select(['total_yen', 'refund_yen'])
        .where('paid_yen', 'is not', null)
        .execute();
      const sum = (kind: string) => ledger.filter((e) => e.kind === kind).reduce((n, e) => n + e.amount_yen, 0);
      expect(ledger.filter((e) => e.kind === 'fee')).toHaveLength(paid.length);
      expect(sum('fee')).toBe(paid.reduce((n, i) => n + i.total_yen, 0));
      expect(sum('refund')).toBe(-paid.reduce((n, i) => n + i.refund_yen, 0));
      // The closes charged the chains' commission and its tax.
      expect(sum('storeCommission')).toBeLessThan(0);
      expect(sum('commissionTax')).toBeLessThan(0);
    });

    it('is not added again by a second preparation', async () => {
      const before = await tableCounts(database);
      await prepareDemo(stateDir, () => {}, options);
      expect(await tableCounts(database)).toEqual(before);
    }, 60_000);
  });
});
