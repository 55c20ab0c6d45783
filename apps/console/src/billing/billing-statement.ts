/**
 * A statement's summary as the page lists it: each kind of money with its signed amount, in the
 * order of the PDF, ending with the net. Adjustments are one line of their own (never folded into
 * the month's fees or refunds), since a closed month they correct never changes.
 */
import type { z } from 'zod';
import type { BillingMonthSummary, BillingStatement, ChainSettlement } from '@madoguchi/shared';

export type SummaryKey = 'feesCollected' | 'refunds' | 'storeCommission' | 'commissionTax' | 'participationCharge' | 'adjustments' | 'net';

export interface SummaryLine {
  key: SummaryKey;
  amountYen: number;
}

type Totals = Pick<
  z.infer<typeof BillingMonthSummary>,
  'feesCollectedYen' | 'refundsYen' | 'storeCommissionYen' | 'commissionTaxYen' | 'participationChargeYen' | 'adjustmentsYen' | 'netYen'
>;

export function statementSummary(statement: Totals): SummaryLine[] {
  return [
    { key: 'feesCollected', amountYen: statement.feesCollectedYen },
    { key: 'refunds', amountYen: statement.refundsYen },
    { key: 'storeCommission', amountYen: statement.storeCommissionYen },
    { key: 'commissionTax', amountYen: statement.commissionTaxYen },
    { key: 'participationCharge', amountYen: statement.participationChargeYen },
    { key: 'adjustments', amountYen: statement.adjustmentsYen },
    { key: 'net', amountYen: statement.netYen },
  ];
}

/** Whether the net is what the municipality receives (or, negative, what it owes the service). */
export function netDirection(netYen: number): 'receives' | 'owes' {
  return netYen < 0 ? 'owes' : 'receives';
}

/** A chain as people know it: its name, else its code; issuances at no chain's kiosk have neither. */
export function chainLabel(line: { chainCode: string | null; chainName: string | null }, noChain: string): string {
  if (line.chainName && line.chainCode) return `${line.chainName}（${line.chainCode}）`;
  return line.chainName ?? line.chainCode ?? noChain;
}

type Statement = z.infer<typeof BillingStatement>;

/** Certificates counted in the month across types: the figure the chains' lines must match. */
export function certificateTotal(statement: Pick<Statement, 'certificates'>): number {
  return statement.certificates.reduce((sum, line) => sum + line.count, 0);
}

/** Settlement lines by municipality code, so a table reads the same every time. */
export function settlementLinesInOrder(settlement: z.infer<typeof ChainSettlement>): z.infer<typeof ChainSettlement>['lines'] {
  return [...settlement.lines].sort((a, b) => a.municipalityCode.localeCompare(b.municipalityCode));
}
