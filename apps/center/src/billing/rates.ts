/**
 * What billing charges: the store commission per chain (a rate per certificate from an
 * effective-from Japan date, like fees; DEFAULT_STORE_COMMISSION_YEN for a chain with none), the
 * participation-charge table per fiscal year (the FY2017 table for a year with none) and each
 * municipality's kind and population per fiscal year, from which its band and charge follow.
 */
import {
  DEFAULT_PARTICIPATION_CHARGE_YEN,
  DEFAULT_STORE_COMMISSION_YEN,
  MadoguchiError,
  populationBandOf,
  populationBands,
  type MunicipalityKind,
  type PopulationBand,
} from '@madoguchi/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface CommissionRate {
  effectiveFrom: string;
  rateYen: number;
}

/** Every chain's rates, oldest first. */
export async function commissionRates(db: Kysely<Database>): Promise<Map<string, CommissionRate[]>> {
  const rows = await db.selectFrom('store_commission_rates').selectAll().orderBy('chain_code').orderBy('effective_from').execute();
  const byChain = new Map<string, CommissionRate[]>();
  for (const r of rows)
    byChain.set(r.chain_code, [...(byChain.get(r.chain_code) ?? []), { effectiveFrom: r.effective_from, rateYen: r.rate_yen }]);
  return byChain;
}

/** The rate in force on a Japan date for a chain (a kiosk without a chain pays the default). */
export function rateOn(rates: Map<string, CommissionRate[]>, chainCode: string | null, japanDate: string): number {
  const inForce = (chainCode === null ? [] : (rates.get(chainCode) ?? [])).filter((r) => r.effectiveFrom <= japanDate).at(-1);
  return inForce?.rateYen ?? DEFAULT_STORE_COMMISSION_YEN;
}

export async function scheduleCommissionRate(
  db: Kysely<Database>,
  change: { chainCode: string; effectiveFrom: string; rateYen: number },
  by: { staffId: string; today: string; now: Date },
): Promise<void> {
  // Like a fee: from a date after today, so a month already (partly) billed never changes its rate.
  if (change.effectiveFrom <= by.today)
    throw new MadoguchiError('INPUT_INVALID', `effectiveFrom must be after ${by.today}`, [
      { path: 'effectiveFrom', message: `明日以降の日付を指定してください (a date after today, ${by.today})` },
    ]);
  const chain = await db.selectFrom('store_chains').select('chain_code').where('chain_code', '=', change.chainCode).executeTakeFirst();
  if (!chain) throw new MadoguchiError('NOT_FOUND', `store chain ${change.chainCode}`);
  await db
    .deleteFrom('store_commission_rates')
    .where('chain_code', '=', change.chainCode)
    .where('effective_from', '=', change.effectiveFrom)
    .execute();
  await db
    .insertInto('store_commission_rates')
    .values({
      chain_code: change.chainCode,
      effective_from: change.effectiveFrom,
      rate_yen: change.rateYen,
      recorded_at: by.now.toISOString(),
      recorded_by: by.staffId,
    })
    .execute();
}

export interface ChargeTable {
  source: 'default' | 'configured';
  table: Record<PopulationBand, number>;
}

export async function participationChargeTable(db: Kysely<Database>, fiscalYear: number): Promise<ChargeTable> {
  const rows = await db.selectFrom('participation_charge_tables').selectAll().where('fiscal_year', '=', fiscalYear).execute();
  if (rows.length === 0) return { source: 'default', table: { ...DEFAULT_PARTICIPATION_CHARGE_YEN } };
  const table = { ...DEFAULT_PARTICIPATION_CHARGE_YEN };
  for (const r of rows) table[r.band as PopulationBand] = r.annual_yen;
  return { source: 'configured', table };
}

export async function putParticipationChargeTable(
  db: Kysely<Database>,
  fiscalYear: number,
  table: Record<PopulationBand, number>,
  by: { staffId: string; now: Date },
): Promise<void> {
  await db.deleteFrom('participation_charge_tables').where('fiscal_year', '=', fiscalYear).execute();
  await db
    .insertInto('participation_charge_tables')
    .values(
      populationBands.map((band) => ({
        fiscal_year: fiscalYear,
        band,
        annual_yen: table[band],
        recorded_at: by.now.toISOString(),
        recorded_by: by.staffId,
      })),
    )
    .execute();
}

export interface BillingProfileRow {
  municipalityCode: string;
  fiscalYear: number;
  kind: MunicipalityKind;
  population: number;
  band: PopulationBand;
  recordedAt: string;
}

export async function billingProfiles(
  db: Kysely<Database>,
  filter: { municipalityCode?: string; fiscalYear?: number },
): Promise<BillingProfileRow[]> {
  let q = db.selectFrom('municipality_billing_profiles').selectAll();
  if (filter.municipalityCode) q = q.where('municipality_code', '=', filter.municipalityCode);
  if (filter.fiscalYear !== undefined) q = q.where('fiscal_year', '=', filter.fiscalYear);
  const rows = await q.orderBy('municipality_code').orderBy('fiscal_year').execute();
  return rows.map((r) => ({
    municipalityCode: r.municipality_code,
    fiscalYear: r.fiscal_year,
    kind: r.kind as MunicipalityKind,
    population: r.population,
    band: populationBandOf(r.kind as MunicipalityKind, r.population),
    recordedAt: r.recorded_at,
  }));
}

export async function putBillingProfile(
  db: Kysely<Database>,
  profile: { municipalityCode: string; fiscalYear: number; kind: MunicipalityKind; population: number },
  by: { staffId: string; now: Date },
): Promise<void> {
  await db
    .deleteFrom('municipality_billing_profiles')
    .where('municipality_code', '=', profile.municipalityCode)
    .where('fiscal_year', '=', profile.fiscalYear)
    .execute();
  await db
    .insertInto('municipality_billing_profiles')
    .values({
      municipality_code: profile.municipalityCode,
      fiscal_year: profile.fiscalYear,
      kind: profile.kind,
      population: profile.population,
      recorded_at: by.now.toISOString(),
      recorded_by: by.staffId,
    })
    .execute();
}
