/**
 * Cost per certificate per municipality for a fiscal year, from the billing ledger (0301):
 *
 *   (store commission incl. consumption tax + participation charge) ÷ certificates
 *
 * over the fiscal year's closed months only: the commission enters the ledger at a month's close,
 * so an open month would bring its certificates without their cost. The ledger's amounts are seen
 * from the municipality (what it bears is negative), so costs are the negated sums. Certificates
 * are the fee entries' copies with refunded copies (negative) taken off; a correction of a closed
 * month is an adjustment naming the kind it adjusts, counted in the month it was entered in.
 * One GROUP BY over the ledger's rows of the year.
 */
import { sql, type Kysely } from 'kysely';
import type { CostPerCertificate } from '@madoguchi/shared';
import { readTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** Rows of `kinds`, or adjustments of them. Literal SQL: the kinds are this file's constants, never input. */
const ofKinds = (kinds: string[]) => {
  const list = sql.raw(kinds.map((k) => `'${k}'`).join(', '));
  return sql`(l.kind in (${list}) or (l.kind = 'adjustment' and l.adjusts in (${list})))`;
};
const COMMISSION = ofKinds(['storeCommission', 'commissionTax']);
const CHARGE = ofKinds(['participationCharge']);
const CERTIFICATES = ofKinds(['fee', 'refund']);

export async function costPerCertificate(
  database: CenterDatabase,
  fiscalYear: number,
  municipalityCode: string | null,
): Promise<CostPerCertificate> {
  return readTransaction(database, async (trx) => {
    const [codes, sums, closed] = await Promise.all([
      municipalityCodes(trx, municipalityCode),
      ledgerSums(trx, fiscalYear, municipalityCode),
      closedMonths(trx, fiscalYear, municipalityCode),
    ]);
    const byCode = new Map(sums.map((r) => [r.municipality_code, r]));
    const closedByCode = new Map(closed.map((r) => [r.municipality_code, Number(r.months)]));
    return {
      fiscalYear,
      municipalities: codes.map((code) => {
        const row = byCode.get(code);
        const storeCommissionYen = -Number(row?.commission ?? 0);
        const participationChargeYen = -Number(row?.charge ?? 0);
        const certificates = Number(row?.certificates ?? 0);
        return {
          municipalityCode: code,
          closedMonths: closedByCode.get(code) ?? 0,
          storeCommissionYen,
          participationChargeYen,
          certificates,
          costPerCertificateYen: certificates > 0 ? Math.round((storeCommissionYen + participationChargeYen) / certificates) : null,
        };
      }),
    };
  });
}

async function municipalityCodes(db: Kysely<Database>, only: string | null): Promise<string[]> {
  if (only !== null) return [only];
  const rows = await db.selectFrom('municipalities').select('code').orderBy('code').execute();
  return rows.map((r) => r.code);
}

async function ledgerSums(db: Kysely<Database>, fiscalYear: number, only: string | null) {
  let query = db
    .selectFrom('billing_ledger as l')
    .innerJoin('billing_months as m', (join) =>
      join.onRef('m.municipality_code', '=', 'l.municipality_code').onRef('m.billing_month', '=', 'l.billing_month'),
    )
    .where('m.state', '=', 'closed')
    .where('l.fiscal_year', '=', fiscalYear);
  if (only !== null) query = query.where('l.municipality_code', '=', only);
  return query
    .select([
      'l.municipality_code',
      sql<string>`sum(case when ${COMMISSION} then l.amount_yen else 0 end)`.as('commission'),
      sql<string>`sum(case when ${CHARGE} then l.amount_yen else 0 end)`.as('charge'),
      sql<string>`sum(case when ${CERTIFICATES} then coalesce(l.copies, 0) else 0 end)`.as('certificates'),
    ])
    .groupBy('l.municipality_code')
    .execute();
}

async function closedMonths(db: Kysely<Database>, fiscalYear: number, only: string | null) {
  let query = db
    .selectFrom('billing_months')
    .where('state', '=', 'closed')
    .where('billing_month', '>=', `${fiscalYear}-04`)
    .where('billing_month', '<=', `${fiscalYear + 1}-03`);
  if (only !== null) query = query.where('municipality_code', '=', only);
  return query
    .select((eb) => ['municipality_code', eb.fn.countAll().as('months')])
    .groupBy('municipality_code')
    .execute();
}
