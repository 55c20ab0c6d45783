/**
 * Per-municipality policy and the 本籍地 registration workflow.
 *
 * Public API:
 *   const policies = createPolicyStore(database);
 *   await policies.getPolicy(code)                 // MunicipalityPolicy | null
 *   await policies.putPolicy(policy)               // validates (INPUT_INVALID with issues), upserts
 *   await policies.feeFor(code, type, on)          // Yen in force on the ISO date, or null if not offered
 *   await policies.putHolidays(calendar)           // national holidays etc. as data
 *   await policies.applyDomicileRegistration(residentId, domicileMunicipalityCode, { now })
 *   await policies.decideDomicileRegistration(id, 'approved' | 'rejected', decidedBy)
 *   await policies.isDomicileRegistered(residentId, code)
 *   await policies.listDomicileRegistrations(code, status?)
 *
 * The head's title and name (printed under the 認証文) come with the municipality record in the
 * import (Municipality.head); the official seal image and fixed texts are in the policy.
 * Pure availability rules (closure, outages, hours, fee in force) are in availability.ts.
 */
import type { CertificateType, IsoDate, MunicipalityPolicy, Yen } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import {
  applyDomicileRegistration,
  decideDomicileRegistration,
  isDomicileRegisteredIn,
  listDomicileRegistrations,
  type DomicileRegistration,
  type DomicileRegistrationStatus,
} from './domicile-registration.js';
import { feeFor, policyIn, putHolidays, putPolicy } from './policy-store.js';

export {
  availabilityRefusal,
  feeInForce,
  isYearEndClosure,
  offeringOf,
  outageAt,
  withinHours,
  type AvailabilityRefusal,
} from './availability.js';
export {
  domicileApplicationRefusal,
  isDomicileRegisteredIn,
  type DomicileRegistration,
  type DomicileRegistrationStatus,
} from './domicile-registration.js';
export { holidaysIn, policyIn, putHolidays, putPolicy } from './policy-store.js';

export interface PolicyStore {
  getPolicy(code: string): Promise<MunicipalityPolicy | null>;
  putPolicy(policy: unknown): Promise<MunicipalityPolicy>;
  feeFor(code: string, type: CertificateType, on: IsoDate): Promise<Yen | null>;
  putHolidays(calendar: unknown): Promise<number>;
  applyDomicileRegistration(residentId: string, domicileMunicipalityCode: string, options?: { now?: Date }): Promise<DomicileRegistration>;
  decideDomicileRegistration(
    registrationId: string,
    decision: 'approved' | 'rejected',
    decidedBy: string,
    options?: { now?: Date },
  ): Promise<DomicileRegistration>;
  isDomicileRegistered(residentId: string, code: string): Promise<boolean>;
  listDomicileRegistrations(code: string, status?: DomicileRegistrationStatus): Promise<DomicileRegistration[]>;
}

export function createPolicyStore(database: CenterDatabase): PolicyStore {
  return {
    getPolicy: (code) => policyIn(database.db, code),
    putPolicy: (policy) => putPolicy(database, policy),
    feeFor: (code, type, on) => feeFor(database.db, code, type, on),
    putHolidays: (calendar) => putHolidays(database, calendar),
    applyDomicileRegistration: (residentId, code, options) => applyDomicileRegistration(database, residentId, code, options),
    decideDomicileRegistration: (id, decision, decidedBy, options) =>
      decideDomicileRegistration(database, id, decision, decidedBy, options),
    isDomicileRegistered: (residentId, code) => isDomicileRegisteredIn(database.db, residentId, code),
    listDomicileRegistrations: (code, status) => listDomicileRegistrations(database, code, status),
  };
}
