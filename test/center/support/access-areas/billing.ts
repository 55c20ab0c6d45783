/**
 * The billing routes' part of the generated access walk (see area.ts). Billing rows are keyed by
 * municipality and month, not by ids of their own, so the path's municipality is the whole scope:
 * there is no other municipality's id to probe with.
 */
import { M, type AccessArea } from './area.js';

const month = '2026-11';
const BM = (m: string) => ({ params: { municipalityCode: m, month } });

export const billingAccess: AccessArea<
  | 'billingMonths'
  | 'storeCommissions'
  | 'scheduleStoreCommission'
  | 'participationCharges'
  | 'putParticipationCharges'
  | 'chainSettlement'
  | 'chainSettlementFile'
  | 'municipalityBilling'
  | 'putBillingProfile'
  | 'billingStatement'
  | 'billingStatementFile'
  | 'billingLedger'
  | 'closeBillingMonth'
  | 'recordBillingAdjustment'
> = {
  fixtures: {
    billingMonths: () => ({ query: { month } }),
    storeCommissions: () => ({}),
    scheduleStoreCommission: () => ({ body: { chainCode: 'probe-chain', effectiveFrom: '2099-04-01', rateYen: 115 } }),
    participationCharges: () => ({ params: { fiscalYear: 2026 } }),
    putParticipationCharges: () => ({
      params: { fiscalYear: 2099 },
      body: {
        designatedCityLarge: 9_700_000,
        designatedCity: 7_700_000,
        cityLarge: 4_700_000,
        cityMedium: 2_700_000,
        citySmall: 2_200_000,
        townVillage: 700_000,
      },
    }),
    chainSettlement: () => ({ params: { chainCode: 'probe-chain', month } }),
    chainSettlementFile: () => ({ params: { chainCode: 'probe-chain', month }, query: { format: 'csv' } }),
    municipalityBilling: (m) => M(m),
    putBillingProfile: (m) => ({ params: { municipalityCode: m, fiscalYear: 2099 }, body: { kind: 'city', population: 120_000 } }),
    billingStatement: (m) => BM(m),
    billingStatementFile: (m) => ({ ...BM(m), query: { format: 'csv' } }),
    billingLedger: (m) => BM(m),
    closeBillingMonth: (m) => ({ ...BM(m), body: {} }),
    recordBillingAdjustment: (m) => ({ ...M(m), body: { correctsMonth: month, amountYen: -100, chainCode: null, note: 'probe' } }),
  },
};
