/**
 * Billing: the append-only ledger, store commission, participation charges, monthly close, statements and settlements (issue 12 item 4).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 *
 * Amounts are signed whole yen seen from the municipality (domain/billing.ts): positive is due to
 * it, negative it bears. Service-wide routes need `oversee` (reading) or `operate` (changing); a
 * municipality's own statements are `read` under its path.
 */
import { z } from 'zod';
import { CertificateType } from '../../domain/certificate-type.js';
import { IsoDate } from '../../domain/dates.js';
import { MunicipalityCode, MunicipalityKind } from '../../domain/municipal-data.js';
import { AdjustedKind, BillingMonth, BillingMonthState, BillingFiscalYear, LedgerEntryKind, PopulationBand } from '../../domain/billing.js';
import type { ConsoleRouteSpec } from '../console-routes.js';

const Instant = z.string().datetime({ offset: true });
/** Signed whole yen (ledger amounts, totals). */
const SignedYen = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** The same shape as a store chain's code (0300 store_chains). */
export const BillingChainCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'store chain code');
/** The highest store commission per certificate an operator may set (the real one is 115). */
export const MAX_STORE_COMMISSION_YEN = 1_000;
/** The highest yearly participation charge (the largest band is 9,700,000). */
export const MAX_PARTICIPATION_CHARGE_YEN = 100_000_000;
/** The largest manual adjustment, either way. */
export const MAX_ADJUSTMENT_YEN = 100_000_000;

export const BillingMonthParams = z.object({ municipalityCode: MunicipalityCode, month: BillingMonth });
export const BillingProfileParams = z.object({
  municipalityCode: MunicipalityCode,
  fiscalYear: z.coerce.number().pipe(BillingFiscalYear),
});
export const ParticipationChargeParams = z.object({ fiscalYear: z.coerce.number().pipe(BillingFiscalYear) });
export const ChainSettlementParams = z.object({ chainCode: BillingChainCode, month: BillingMonth });
export const BillingMonthQuery = z.object({ month: BillingMonth });
export const BillingFileQuery = z.object({ format: z.enum(['pdf', 'csv']) });

// --- the ledger and statements
export const LedgerEntry = z.object({
  entryId: z.string(),
  kind: LedgerEntryKind,
  municipalityCode: MunicipalityCode,
  chainCode: z.string().nullable(),
  certificateType: CertificateType.nullable(),
  issuanceId: z.string().nullable(),
  /** Certificates (copies) the entry counts: positive for fees, negative for refunds; null where none. */
  copies: z.number().int().nullable(),
  /** The fee or commission rate per certificate, where the entry is a count times a rate. */
  unitYen: z.number().int().nullable(),
  amountYen: SignedYen,
  billingMonth: BillingMonth,
  fiscalYear: BillingFiscalYear,
  /** An adjustment's month it corrects and the kind it adjusts (null otherwise). */
  correctsMonth: BillingMonth.nullable(),
  adjusts: AdjustedKind.nullable(),
  note: z.string().nullable(),
  occurredAt: Instant,
  recordedAt: Instant,
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;
export const LedgerPage = z.object({ entries: z.array(LedgerEntry) });

export const StatementCertificateLine = z.object({
  certificateType: CertificateType,
  /** Certificates issued net of refunds in the month, and the fees net of refunds. */
  count: z.number().int(),
  feesYen: SignedYen,
});
export const StatementChainLine = z.object({
  chainCode: z.string().nullable(),
  chainName: z.string().nullable(),
  certificates: z.number().int(),
  /** Rate lines when the rate changed within the month. */
  rates: z.array(z.object({ unitYen: z.number().int(), certificates: z.number().int(), amountYen: SignedYen })),
  commissionYen: SignedYen,
  taxYen: SignedYen,
});
export const StatementAdjustmentLine = z.object({
  entryId: z.string(),
  correctsMonth: BillingMonth,
  adjusts: AdjustedKind,
  chainCode: z.string().nullable(),
  issuanceId: z.string().nullable(),
  amountYen: SignedYen,
  note: z.string().nullable(),
});
export const BillingStatement = z.object({
  municipalityCode: MunicipalityCode,
  municipalityName: z.string(),
  month: BillingMonth,
  fiscalYear: BillingFiscalYear,
  state: BillingMonthState,
  closedAt: Instant.nullable(),
  certificates: z.array(StatementCertificateLine),
  feesCollectedYen: SignedYen,
  refundsYen: SignedYen,
  chains: z.array(StatementChainLine),
  storeCommissionYen: SignedYen,
  commissionTaxYen: SignedYen,
  participationChargeYen: SignedYen,
  adjustments: z.array(StatementAdjustmentLine),
  adjustmentsYen: SignedYen,
  /** The sum of every entry of the month: what the municipality receives (negative: owes). */
  netYen: SignedYen,
});
export type BillingStatement = z.infer<typeof BillingStatement>;
/** A statement or settlement as a file (the console downloads it, the CLI writes it). */
export const BillingFile = z.object({ fileName: z.string(), contentType: z.string(), contentBase64: z.string(), sha256: z.string() });

export const BillingMonthSummary = z.object({
  municipalityCode: MunicipalityCode,
  municipalityName: z.string(),
  month: BillingMonth,
  state: BillingMonthState,
  closedAt: Instant.nullable(),
  feesCollectedYen: SignedYen,
  refundsYen: SignedYen,
  storeCommissionYen: SignedYen,
  commissionTaxYen: SignedYen,
  participationChargeYen: SignedYen,
  adjustmentsYen: SignedYen,
  netYen: SignedYen,
});
export const BillingMonthList = z.object({ months: z.array(BillingMonthSummary) });

// --- settlements: what a chain remits to each municipality
export const SettlementLine = z.object({
  municipalityCode: MunicipalityCode,
  municipalityName: z.string(),
  state: BillingMonthState,
  certificates: z.number().int(),
  feesCollectedYen: SignedYen,
  refundsYen: SignedYen,
  storeCommissionYen: SignedYen,
  commissionTaxYen: SignedYen,
  adjustmentsYen: SignedYen,
  /** fees − refunds − commission − tax ± adjustments of this chain: the chain remits this. */
  remitYen: SignedYen,
});
export const ChainSettlement = z.object({
  chainCode: BillingChainCode,
  chainName: z.string().nullable(),
  month: BillingMonth,
  lines: z.array(SettlementLine),
  remitYen: SignedYen,
});

// --- store commission
export const StoreCommissionRate = z.object({ effectiveFrom: IsoDate, rateYen: z.number().int().min(0) });
export const StoreCommissionChain = z.object({
  chainCode: z.string(),
  name: z.string(),
  /** The rate in force today (Japan time); the default when the chain has none of its own. */
  rateTodayYen: z.number().int(),
  rates: z.array(StoreCommissionRate),
});
export const StoreCommissionList = z.object({ defaultRateYen: z.number().int(), chains: z.array(StoreCommissionChain) });
export const ScheduleStoreCommissionRequest = z.object({
  chainCode: BillingChainCode,
  /** From 00:00 Japan time on this date, a date after today (like fees). */
  effectiveFrom: IsoDate,
  rateYen: z
    .number()
    .int('円単位の整数で入力してください (whole yen)')
    .min(0, '0円以上にしてください (not negative)')
    .max(MAX_STORE_COMMISSION_YEN, `${MAX_STORE_COMMISSION_YEN}円以下にしてください (at most ${MAX_STORE_COMMISSION_YEN} yen)`),
});

// --- participation charges and municipality profiles
const ChargeYen = z
  .number()
  .int('円単位の整数で入力してください (whole yen)')
  .min(0, '0円以上にしてください (not negative)')
  .max(MAX_PARTICIPATION_CHARGE_YEN);
export const ParticipationChargeTable = z.object(
  Object.fromEntries(PopulationBand.options.map((band) => [band, ChargeYen])) as Record<PopulationBand, typeof ChargeYen>,
);
export const BillingProfile = z.object({
  municipalityCode: MunicipalityCode,
  municipalityName: z.string(),
  fiscalYear: BillingFiscalYear,
  kind: MunicipalityKind,
  population: z.number().int(),
  band: PopulationBand,
  annualChargeYen: z.number().int(),
  recordedAt: Instant,
});
export const ParticipationChargeView = z.object({
  fiscalYear: BillingFiscalYear,
  /** `default` is the FY2017 table, in force for a year that has none of its own. */
  source: z.enum(['default', 'configured']),
  table: ParticipationChargeTable,
  profiles: z.array(BillingProfile),
});
export const PutBillingProfileRequest = z.object({
  kind: MunicipalityKind,
  population: z.number().int().min(1).max(20_000_000),
});

// --- close and adjustments
export const CloseBillingMonthRequest = z.object({});
export const RecordAdjustmentRequest = z.object({
  /** The closed month this corrects; the entry goes to the first open month after it. */
  correctsMonth: BillingMonth,
  amountYen: SignedYen.refine((n) => n !== 0 && Math.abs(n) <= MAX_ADJUSTMENT_YEN, 'an amount other than 0, at most 100,000,000 yen'),
  chainCode: BillingChainCode.nullable(),
  note: z.string().trim().min(1).max(200),
});
export const MunicipalityBillingView = z.object({
  municipalityCode: MunicipalityCode,
  municipalityName: z.string(),
  months: z.array(BillingMonthSummary),
  profiles: z.array(BillingProfile),
});

const MB = '/municipalities/:municipalityCode/billing' as const;

export const billingRoutes = {
  // --- service-wide
  billingMonths: {
    method: 'GET',
    path: '/billing/months',
    summary: 'Every municipality’s billing month: state and totals',
    permission: 'oversee',
    query: BillingMonthQuery,
    response: BillingMonthList,
  },
  storeCommissions: {
    method: 'GET',
    path: '/billing/store-commission',
    summary: 'Store commission per chain: the rate today and every effective-from rate',
    permission: 'oversee',
    response: StoreCommissionList,
  },
  scheduleStoreCommission: {
    method: 'POST',
    path: '/billing/store-commission',
    summary: 'Set a chain’s store commission from a date after today',
    permission: 'operate',
    body: ScheduleStoreCommissionRequest,
    response: StoreCommissionList,
  },
  participationCharges: {
    method: 'GET',
    path: '/billing/participation-charges/:fiscalYear',
    summary: 'A fiscal year’s participation-charge table and every municipality’s band and charge',
    permission: 'oversee',
    params: ParticipationChargeParams,
    response: ParticipationChargeView,
  },
  putParticipationCharges: {
    method: 'PUT',
    path: '/billing/participation-charges/:fiscalYear',
    summary: 'Set a fiscal year’s participation-charge table (yen per year by band)',
    permission: 'operate',
    params: ParticipationChargeParams,
    body: ParticipationChargeTable,
    response: ParticipationChargeView,
  },
  chainSettlement: {
    method: 'GET',
    path: '/billing/settlements/:chainCode/:month',
    summary: 'What a store chain remits to each municipality for a month',
    permission: 'oversee',
    params: ChainSettlementParams,
    response: ChainSettlement,
  },
  chainSettlementFile: {
    method: 'GET',
    path: '/billing/settlements/:chainCode/:month/file',
    summary: 'The settlement report as PDF or CSV',
    permission: 'oversee',
    params: ChainSettlementParams,
    query: BillingFileQuery,
    response: BillingFile,
  },
  // --- one municipality
  municipalityBilling: {
    method: 'GET',
    path: MB,
    summary: 'The municipality’s billing months and its population and band per fiscal year',
    permission: 'read',
    params: z.object({ municipalityCode: MunicipalityCode }),
    response: MunicipalityBillingView,
  },
  putBillingProfile: {
    method: 'PUT',
    path: `${MB}/profiles/:fiscalYear`,
    summary: 'Record the municipality’s kind and population for a fiscal year (its band follows)',
    permission: 'operate',
    params: BillingProfileParams,
    body: PutBillingProfileRequest,
    response: MunicipalityBillingView,
  },
  billingStatement: {
    method: 'GET',
    path: `${MB}/:month`,
    summary: 'A month’s statement (an open month shows the entries so far, without commission)',
    permission: 'read',
    params: BillingMonthParams,
    response: BillingStatement,
  },
  billingStatementFile: {
    method: 'GET',
    path: `${MB}/:month/statement`,
    summary: 'A month’s statement as PDF or CSV',
    permission: 'read',
    params: BillingMonthParams,
    query: BillingFileQuery,
    response: BillingFile,
  },
  billingLedger: {
    method: 'GET',
    path: `${MB}/:month/ledger`,
    summary: 'Every ledger entry of a month',
    permission: 'read',
    params: BillingMonthParams,
    response: LedgerPage,
  },
  closeBillingMonth: {
    method: 'POST',
    path: `${MB}/:month/close`,
    summary: 'Close a month that has ended: commission, tax and participation charge entries; the month never changes again',
    permission: 'operate',
    params: BillingMonthParams,
    body: CloseBillingMonthRequest,
    response: BillingStatement,
  },
  recordBillingAdjustment: {
    method: 'POST',
    path: `${MB}/adjustments`,
    summary: 'Correct a closed month: an adjustment entry in the first open month after it',
    permission: 'operate',
    params: z.object({ municipalityCode: MunicipalityCode }),
    body: RecordAdjustmentRequest,
    response: LedgerEntry,
  },
} as const satisfies Record<string, ConsoleRouteSpec>;
