/**
 * Billing's queries under one key prefix: a close, a rate or a profile changes totals on several
 * sections at once (months, statements, settlements), so a change refreshes every billing query.
 */
import type { BillingFiscalYear, BillingMonth } from '@madoguchi/shared';

export const billingKeys = {
  all: ['billing'] as const,
  months: (month: BillingMonth) => ['billing', 'months', month] as const,
  statement: (municipalityCode: string, month: BillingMonth) => ['billing', 'statement', municipalityCode, month] as const,
  municipality: (municipalityCode: string) => ['billing', 'municipality', municipalityCode] as const,
  commissions: ['billing', 'commissions'] as const,
  charges: (fiscalYear: BillingFiscalYear) => ['billing', 'charges', fiscalYear] as const,
  settlement: (chainCode: string, month: BillingMonth) => ['billing', 'settlement', chainCode, month] as const,
};
