/**
 * The first demo residents whose certificate the center would issue today: the search several
 * integration tests and the load harness's neighbours ran each in a copy of their own (duplicates
 * D20, D22, D26). Eligibility is the center's own decision (checkEligibility), not a guess from the record.
 */
import type { CertificateType, Resident } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { TEST_NOW } from './center-harness.js';

export interface EligibleSearch {
  /** Default 住民票の写し (residenceRecord) with its default options. */
  certificateType?: CertificateType;
  /** Copies asked for; default 1. */
  copies?: number;
  /** Default TEST_NOW (the center tests' clock). */
  now?: Date;
  /** A further test of a resident before eligibility is asked (it sees those chosen so far). */
  accept?: (resident: Resident, chosen: readonly Resident[]) => boolean;
}

/** The first `count` of `residents`, in their order, that pass `accept` and that the center would serve (fewer if there are not). */
export async function firstEligibleResidents(
  database: CenterDatabase,
  residents: readonly Resident[],
  count: number,
  search: EligibleSearch = {},
): Promise<Resident[]> {
  const chosen: Resident[] = [];
  for (const r of residents) {
    if (chosen.length === count) break;
    if (search.accept && !search.accept(r, chosen)) continue;
    const eligibility = await checkEligibility({
      database,
      residentId: r.residentId,
      certificateType: search.certificateType ?? 'residenceRecord',
      options: {},
      copies: search.copies ?? 1,
      now: search.now ?? TEST_NOW,
    });
    if (eligibility.ok) chosen.push(r);
  }
  return chosen;
}
