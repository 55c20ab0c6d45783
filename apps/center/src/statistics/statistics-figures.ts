/**
 * The statistics page's figures for one municipality (or all) over a period of Japan dates, each
 * series one aggregate query (GROUP BY) on either database, bounded by the period (at most
 * STATISTICS_MAX_DAYS days: the per-hour query answers at most 24 rows a day). The issuance
 * queries read only columns of the covering indexes made in 0305.
 *
 *   issued       issuances that ended printed (every copy on paper), counted on the day of their quote
 *   certificates the copies of those issuances
 *   refusals     menu and quote refusals (eligibility_refusals) and payment refusals (issuances
 *                voided with a code, see issuance-service.ts recheckAtPayment)
 *   failures     issuances failed after payment (failed → refunded), by failure code, with the refund
 *   journey      the kiosks' card-to-print times of the issuances printed in the period
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { CertificateType, StatisticsFigures } from '@madoguchi/shared';
import { readTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { datesOf, japanHourOf, utcRangeOf, type UtcRange } from './japan-period.js';
import { journeyPercentiles } from './journey-percentiles.js';

export interface StatisticsScope {
  /** null: every municipality */
  municipalityCode: string | null;
  from: string;
  to: string;
}

type Db = Kysely<Database>;
const toCount = (value: unknown) => Number(value ?? 0);

export async function statisticsFigures(database: CenterDatabase, scope: StatisticsScope): Promise<StatisticsFigures> {
  const range = utcRangeOf(scope.from, scope.to);
  // One snapshot for every series, so the totals and the tables agree with each other.
  return readTransaction(database, async (trx) => {
    const [hours, types, chains, refusals, failures, journey] = await Promise.all([
      issuedPerUtcHour(trx, scope, range),
      issuedByType(trx, scope, range),
      issuedByChain(trx, scope, range),
      refusalCounts(trx, scope, range),
      failureCounts(trx, scope, range),
      journeyPercentiles(trx, scope.municipalityCode, range),
    ]);
    const perDay = new Map(datesOf(scope.from, scope.to).map((date) => [date, { date, issuances: 0, certificates: 0 }]));
    const perHour = Array.from({ length: 24 }, (_, hour) => ({ hour, issuances: 0, certificates: 0 }));
    for (const row of hours) {
      const { date, hour } = japanHourOf(row.bucket);
      for (const target of [perDay.get(date), perHour[hour]])
        if (target) {
          target.issuances += row.issuances;
          target.certificates += row.certificates;
        }
    }
    const sum = <T>(rows: T[], pick: (row: T) => number) => rows.reduce((total, row) => total + pick(row), 0);
    return {
      municipalityCode: scope.municipalityCode,
      from: scope.from,
      to: scope.to,
      totals: {
        issuances: sum(hours, (r) => r.issuances),
        certificates: sum(hours, (r) => r.certificates),
        refunds: sum(failures, (r) => r.count),
        refundYen: sum(failures, (r) => r.refundYen),
        refusals: sum(refusals, (r) => r.count),
      },
      perDay: [...perDay.values()],
      perHour,
      byCertificateType: types,
      byChain: chains,
      refusals,
      failures,
      journey,
    };
  });
}

/** Issuances quoted in the period, of the municipality when one is chosen. */
function issuancesIn(db: Db, scope: StatisticsScope, range: UtcRange) {
  let query = db.selectFrom('issuances').where('created_at', '>=', range.start).where('created_at', '<', range.end);
  if (scope.municipalityCode !== null) query = query.where('municipality_code', '=', scope.municipalityCode);
  return query;
}

function issuedCounts<O>(query: SelectQueryBuilder<Database, 'issuances', O>) {
  return query
    .where('state', '=', 'printed')
    .select((eb) => [eb.fn.countAll().as('issuances'), eb.fn.sum<number>('copies').as('certificates')]);
}

async function issuedPerUtcHour(db: Db, scope: StatisticsScope, range: UtcRange) {
  // Literal arguments, not parameters: PostgreSQL matches the GROUP BY expression to the selected one textually.
  const bucket = sql<string>`substr(created_at, 1, 13)`;
  const rows = await issuedCounts(issuancesIn(db, scope, range).select(bucket.as('bucket')))
    .groupBy(bucket)
    .execute();
  return rows.map((r) => ({ bucket: r.bucket, issuances: toCount(r.issuances), certificates: toCount(r.certificates) }));
}

async function issuedByType(db: Db, scope: StatisticsScope, range: UtcRange) {
  const rows = await issuedCounts(issuancesIn(db, scope, range).select('certificate_type'))
    .groupBy('certificate_type')
    .orderBy('certificate_type')
    .execute();
  return rows.map((r) => ({
    certificateType: r.certificate_type as CertificateType,
    issuances: toCount(r.issuances),
    certificates: toCount(r.certificates),
  }));
}

async function issuedByChain(db: Db, scope: StatisticsScope, range: UtcRange) {
  // Counted per kiosk from the covering index first, then joined to the few kiosks: joining every
  // issuance row to its kiosk made this the slowest series (1.1 s of 1.7 s for 225 000 on SQLite).
  const perKiosk = issuedCounts(issuancesIn(db, scope, range).select('terminal_id')).groupBy('terminal_id');
  const rows = await db
    .selectFrom(perKiosk.as('t'))
    .innerJoin('kiosks', 'kiosks.terminal_id', 't.terminal_id')
    .leftJoin('store_chains', 'store_chains.chain_code', 'kiosks.chain_code')
    .select((eb) => [
      'kiosks.chain_code',
      'store_chains.name',
      eb.fn.sum<number>('t.issuances').as('issuances'),
      eb.fn.sum<number>('t.certificates').as('certificates'),
    ])
    .groupBy(['kiosks.chain_code', 'store_chains.name'])
    .orderBy('kiosks.chain_code')
    .execute();
  return rows.map((r) => ({
    chainCode: r.chain_code,
    chainName: r.name,
    issuances: toCount(r.issuances),
    certificates: toCount(r.certificates),
  }));
}

async function refusalCounts(db: Db, scope: StatisticsScope, range: UtcRange) {
  let recorded = db.selectFrom('eligibility_refusals').where('refused_at', '>=', range.start).where('refused_at', '<', range.end);
  if (scope.municipalityCode !== null) recorded = recorded.where('municipality_code', '=', scope.municipalityCode);
  const [early, atPayment] = await Promise.all([
    recorded
      .select((eb) => ['reason_code', 'stage', eb.fn.countAll().as('count')])
      .groupBy(['reason_code', 'stage'])
      .execute(),
    issuancesIn(db, scope, range)
      .where('state', '=', 'voided')
      .where('failure_code', 'is not', null)
      .select((eb) => ['failure_code', eb.fn.countAll().as('count')])
      .groupBy('failure_code')
      .execute(),
  ]);
  const rows = [
    ...early.map((r) => ({ reasonCode: r.reason_code, stage: r.stage as 'menu' | 'quote', count: toCount(r.count) })),
    ...atPayment.map((r) => ({ reasonCode: r.failure_code!, stage: 'payment' as const, count: toCount(r.count) })),
  ];
  return rows.sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode) || a.stage.localeCompare(b.stage));
}

async function failureCounts(db: Db, scope: StatisticsScope, range: UtcRange) {
  const rows = await issuancesIn(db, scope, range)
    .where('state', 'in', ['failed', 'refunded'])
    .select((eb) => [
      sql<string>`coalesce(failure_code, '')`.as('failure_code'),
      eb.fn.countAll().as('count'),
      eb.fn.sum<number>('refund_yen').as('refund_yen'),
    ])
    .groupBy('failure_code')
    .execute();
  return rows
    .map((r) => ({ failureCode: r.failure_code, count: toCount(r.count), refundYen: toCount(r.refund_yen) }))
    .sort((a, b) => b.count - a.count || a.failureCode.localeCompare(b.failureCode));
}
