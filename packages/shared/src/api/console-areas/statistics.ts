/**
 * Statistics: issuances, refusals, refunds, kiosk timings and cost per certificate, each chart also a table (issue 12 item 5).
 * The schemas and this area's rows of the console route table (spread into consoleApi in
 * console-routes.ts); routes are called by name, so a name must be unique across the areas.
 *
 * Both routes are service-wide `read` routes: municipal staff always get their own municipality's
 * figures, whatever `municipalityCode` the query names; operators and auditors get every
 * municipality (no code) or the one they choose.
 */
import { z } from 'zod';
import { CertificateType } from '../../domain/certificate-type.js';
import { IsoDate } from '../../domain/dates.js';
import { MunicipalityCode } from '../../domain/municipal-data.js';
import type { ConsoleRouteSpec } from '../console-routes.js';

/** The longest period one statistics call covers (a fiscal year and a little either side). */
export const STATISTICS_MAX_DAYS = 400;

const DAY_MS = 86_400_000;
/** Days from `from` to `to`, both included (ISO dates, so UTC midnight arithmetic is exact). */
export const daysInPeriod = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;

/** A period of Japan dates, both included. */
export const StatisticsQuery = z
  .object({ from: IsoDate, to: IsoDate, municipalityCode: MunicipalityCode.optional() })
  .refine((q) => q.from <= q.to, { message: '終了日は開始日以降にしてください (to must not be before from)', path: ['to'] })
  .refine((q) => daysInPeriod(q.from, q.to) <= STATISTICS_MAX_DAYS, {
    message: `期間は${STATISTICS_MAX_DAYS}日以内にしてください (at most ${STATISTICS_MAX_DAYS} days)`,
    path: ['to'],
  });
export type StatisticsQuery = z.input<typeof StatisticsQuery>;

const Count = z.number().int().nonnegative();
/** Issuances that ended printed, and the certificates (copies) they put on paper. */
const Issued = { issuances: Count, certificates: Count };

/** Where a refusal happened: on the menu after sign-in, at the quote, or at payment (the whole check again). */
export const RefusalStage = z.enum(['menu', 'quote', 'payment']);
export type RefusalStage = z.infer<typeof RefusalStage>;

export const StatisticsFigures = z.object({
  /** The municipality the figures are of; null for every municipality. */
  municipalityCode: MunicipalityCode.nullable(),
  from: IsoDate,
  to: IsoDate,
  totals: z.object({ ...Issued, refunds: Count, refundYen: Count, refusals: Count }),
  /** Every date of the period, in order (Japan time), zero where nothing was issued. */
  perDay: z.array(z.object({ date: IsoDate, ...Issued })),
  /** Hours 0–23 of the day in Japan time, over the whole period. */
  perHour: z.array(z.object({ hour: z.number().int().min(0).max(23), ...Issued })),
  byCertificateType: z.array(z.object({ certificateType: CertificateType, ...Issued })),
  /** chainCode null: kiosks with no store chain recorded. */
  byChain: z.array(z.object({ chainCode: z.string().nullable(), chainName: z.string().nullable(), ...Issued })),
  refusals: z.array(z.object({ reasonCode: z.string(), stage: RefusalStage, count: Count })),
  /** Issuances that failed after payment (refunded, or failed and awaiting the refund), by failure code. */
  failures: z.array(z.object({ failureCode: z.string(), count: Count, refundYen: Count })),
  /** Kiosk-side time from card placed to the last copy printed (nearest-rank percentiles). */
  journey: z.object({ samples: Count, p50Ms: Count.nullable(), p95Ms: Count.nullable() }),
});
export type StatisticsFigures = z.infer<typeof StatisticsFigures>;

/** A fiscal year (年度) by the calendar year it starts in: 2026 is 1 April 2026 – 31 March 2027, Japan time. */
export const FiscalYear = z.coerce.number().int().min(2000).max(2100);
export const CostPerCertificateQuery = z.object({ fiscalYear: FiscalYear, municipalityCode: MunicipalityCode.optional() });
export type CostPerCertificateQuery = z.input<typeof CostPerCertificateQuery>;

/**
 * The figure municipalities compare, from the billing ledger's closed months of the fiscal year
 * (the store commission is entered at a month's close, so an open month would count its
 * certificates without their commission). Adjustments count in the month they are entered in.
 */
export const CostPerCertificate = z.object({
  fiscalYear: z.number().int(),
  municipalities: z.array(
    z.object({
      municipalityCode: MunicipalityCode,
      /** Closed billing months of the fiscal year (0–12) the figures cover. */
      closedMonths: z.number().int().min(0).max(12),
      /** Store commission including consumption tax, from the billing ledger. */
      storeCommissionYen: Count,
      /** The fiscal year's participation charge (負担金), from the billing ledger. */
      participationChargeYen: Count,
      /** Certificates paid for, net of refunds (fee entries' copies less refunded copies). */
      certificates: Count,
      /** (storeCommissionYen + participationChargeYen) ÷ certificates, rounded to the yen; null without certificates. */
      costPerCertificateYen: Count.nullable(),
    }),
  ),
});
export type CostPerCertificate = z.infer<typeof CostPerCertificate>;

export const statisticsRoutes = {
  statistics: {
    method: 'GET',
    path: '/statistics',
    summary: 'Issuances per day and hour, by type and store chain; refusals, failures, kiosk timings (municipal staff: their own)',
    permission: 'read',
    query: StatisticsQuery,
    response: StatisticsFigures,
  },
  costPerCertificate: {
    method: 'GET',
    path: '/statistics/cost-per-certificate',
    summary: 'Store commission and participation charge per certificate, per municipality, for a fiscal year (municipal staff: their own)',
    permission: 'read',
    query: CostPerCertificateQuery,
    response: CostPerCertificate,
  },
} as const satisfies Record<string, ConsoleRouteSpec>;
