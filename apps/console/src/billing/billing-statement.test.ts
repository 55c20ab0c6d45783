import { describe, expect, it } from 'vitest';
import { certificateTotal, chainLabel, netDirection, settlementLinesInOrder, statementSummary } from './billing-statement.js';

const totals = {
  feesCollectedYen: 30_000,
  refundsYen: -600,
  storeCommissionYen: -11_500,
  commissionTaxYen: -1_150,
  participationChargeYen: -4_700_000,
  adjustmentsYen: -300,
  netYen: -4_683_550,
};

describe('statement summary', () => {
  it('lists every kind of money with its ledger sign, adjustments on their own line, the net last', () => {
    const lines = statementSummary(totals);
    expect(lines.map((l) => l.key)).toEqual([
      'feesCollected',
      'refunds',
      'storeCommission',
      'commissionTax',
      'participationCharge',
      'adjustments',
      'net',
    ]);
    const parts = lines.filter((l) => l.key !== 'net').reduce((sum, l) => sum + l.amountYen, 0);
    expect(parts).toBe(lines.at(-1)!.amountYen);
    expect(lines.find((l) => l.key === 'adjustments')!.amountYen).toBe(-300);
  });

  it('says whether the municipality receives or owes the net', () => {
    expect(netDirection(12_000)).toBe('receives');
    expect(netDirection(0)).toBe('receives');
    expect(netDirection(-1)).toBe('owes');
  });

  it('names a chain by name and code, by whichever it has, or as no chain', () => {
    expect(chainLabel({ chainCode: 'seven', chainName: 'セブン' }, 'なし')).toBe('セブン（seven）');
    expect(chainLabel({ chainCode: 'seven', chainName: null }, 'なし')).toBe('seven');
    expect(chainLabel({ chainCode: null, chainName: null }, 'なし')).toBe('なし');
  });

  it('counts the certificates of a month net of refunds across types', () => {
    expect(
      certificateTotal({
        certificates: [
          { certificateType: 'residenceRecord', count: 12, feesYen: 2_400 },
          { certificateType: 'sealCertificate', count: -1, feesYen: -200 },
        ],
      }),
    ).toBe(11);
  });

  it('orders a settlement by municipality code', () => {
    const line = (code: string) => ({
      municipalityCode: code,
      municipalityName: code,
      state: 'closed' as const,
      certificates: 0,
      feesCollectedYen: 0,
      refundsYen: 0,
      storeCommissionYen: 0,
      commissionTaxYen: 0,
      adjustmentsYen: 0,
      remitYen: 0,
    });
    const settlement = { chainCode: 'seven', chainName: null, month: '2026-11', lines: [line('271004'), line('131016')], remitYen: 0 };
    expect(settlementLinesInOrder(settlement).map((l) => l.municipalityCode)).toEqual(['131016', '271004']);
  });
});
