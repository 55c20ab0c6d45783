/**
 * What the console's municipality page shows: the municipality, its head and seal, each offering
 * with today's fee and the fee schedule's states (Japan date from the center's clock), hours,
 * outages with their states, and how many 本籍地 registrations wait. Read in one snapshot.
 */
import { MadoguchiError, japanDate, type ConsoleResponse } from '@madoguchi/shared';
import { readTransaction, type CenterDatabase } from '../db/database.js';
import { feeInForce } from '../policy/availability.js';
import { getMunicipality, type Executor } from '../residents/queries.js';
import { layoutFor } from '../rendering/layout/layout-profile.js';
import { storedPolicy } from './policy-changes.js';
import { feeStates, outageState } from './policy-edits.js';
import { sealSha256 } from './seal-image.js';

export type MunicipalityOverview = ConsoleResponse<'overview'>;

export async function storedMunicipality(trx: Executor, code: string) {
  const municipality = await getMunicipality(trx, code);
  if (!municipality) throw new MadoguchiError('NOT_FOUND', `no municipality ${code}`);
  return municipality;
}

export function municipalityOverview(database: CenterDatabase, code: string, now: Date): Promise<MunicipalityOverview> {
  return readTransaction(database, async (trx) => {
    const municipality = await storedMunicipality(trx, code);
    const policy = await storedPolicy(trx, code);
    const pending = await trx
      .selectFrom('domicile_registrations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('domicile_municipality_code', '=', code)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const today = japanDate(now);
    return {
      municipality: { code: municipality.code, prefecture: municipality.prefecture, name: municipality.name },
      head: municipality.head,
      sealNote: policy.fixedTexts.sealNote,
      sealSizeMm: policy.officialSealSizeMm ?? layoutFor(code).sealSizeMm,
      sealSha256: sealSha256(policy.officialSealPng),
      today,
      offerings: policy.offerings.map((o) => ({
        certificateType: o.certificateType,
        enabled: o.enabled,
        allowMyNumber: o.allowMyNumber,
        allowDomicile: o.allowDomicile,
        maxCopies: o.maxCopies,
        taxYears: o.taxYears,
        feeTodayYen: feeInForce(o, today),
        fees: feeStates(o.fees, today),
        hours: o.hours,
      })),
      domicileRegistrationHours: policy.domicileRegistrationHours,
      outages: policy.outages.map((o) => ({
        outageId: o.outageId,
        from: o.from,
        until: o.until,
        certificateTypes: o.certificateTypes ?? null,
        reason: o.reason,
        state: outageState(o, now),
      })),
      pendingDomicileRegistrations: Number(pending.n),
    };
  });
}
