/**
 * The kiosk menu after authentication: every certificate type with its availability decided now
 * (refusal code before any payment), the fee in force, and the options the municipality allows.
 * Each item runs the full eligibility check with the default options for its type.
 */
import {
  certificateTypes,
  isFamilyRegisterType,
  japanDate,
  type CertificateOptions,
  type CertificateType,
  type IsoDate,
  type MenuItem,
} from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { readTransaction } from '../db/database.js';
import type { Executor } from '../residents/queries.js';
import { feeInForce, offeringOf } from '../policy/availability.js';
import { policyIn } from '../policy/policy-store.js';
import { getResident, taxYearsOfResident } from '../residents/queries.js';
import { eligibilityIn, type PrintableCheck } from './check-eligibility.js';

export interface MenuContext {
  database: CenterDatabase;
  residentId: string;
  now: Date;
  authCertificateNotAfter?: Date;
  cardUsableFrom?: IsoDate;
  printableCheck?: PrintableCheck | null;
}

export function menuFor(ctx: MenuContext): Promise<MenuItem[]> {
  return readTransaction(ctx.database, (trx) => menuIn(trx, ctx));
}

/** The menu in the caller's read snapshot (sign-in describes the session in one: auth/authenticate.ts). */
export async function menuIn(trx: Executor, ctx: Omit<MenuContext, 'database'>): Promise<MenuItem[]> {
  const resident = await getResident(trx, ctx.residentId);
  const items: MenuItem[] = [];
  for (const type of certificateTypes) {
    const code =
      resident && isFamilyRegisterType(type)
        ? (resident.domicile?.municipalityCode ?? resident.municipalityCode)
        : resident?.municipalityCode;
    const policy = code ? await policyIn(trx, code, japanDate(ctx.now)) : null;
    const offering = policy ? offeringOf(policy, type) : null;
    let options: CertificateOptions = {};
    let taxYears: number[] | undefined;
    if (type === 'taxCertificate' && offering) {
      const held = new Set(resident ? await taxYearsOfResident(trx, resident.residentId) : []);
      taxYears = offering.taxYears.filter((y) => held.has(y)).sort((a, b) => b - a);
      const year = taxYears[0] ?? offering.taxYears[0];
      if (year !== undefined) options = { tax: { kind: 'income', taxYear: year } };
    }
    const decision = await eligibilityIn(trx, { ...ctx, certificateType: type as CertificateType, options, copies: 1 });
    const fee = offering ? feeInForce(offering, japanDate(ctx.now)) : null;
    items.push({
      certificateType: type,
      available: decision.ok,
      ...(decision.ok ? {} : { refusal: decision.code }),
      ...(fee !== null ? { feeYen: fee } : {}),
      ...(offering ? { maxCopies: offering.maxCopies, allowMyNumber: offering.allowMyNumber, allowDomicile: offering.allowDomicile } : {}),
      ...(taxYears ? { taxYears } : {}),
    });
  }
  return items;
}
