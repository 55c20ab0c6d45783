/**
 * Eligibility: may this resident get this certificate now? Every refusal rule of
 * docs/service-rules.md#refusals with its own code, decided before payment.
 *
 * Public API:
 *   await checkEligibility({ database, residentId, certificateType, options, copies, now,
 *                            authCertificateNotAfter?, cardUsableFrom?, printableCheck? })
 *     → { ok: true, feeYen, totalYen, municipalityCode, residenceMunicipalityCode, maxCopies }
 *     | { ok: false, code }
 *   await menuFor({ database, residentId, now, authCertificateNotAfter?, cardUsableFrom?, printableCheck? })
 *     → MenuItem[] (every type: available or refusal code, fee in force, allowed options)
 *   const engine = createEligibility(database)  // the same two with the database (and the renderer's
 *   engine.checkEligibility(request); engine.menuFor(residentId, now, card?)   // checkPrintable) bound
 *
 * Unprintable characters: `printableCheck` defaults to the renderer's checkPrintable
 * (apps/center/src/rendering/index.ts); pass another function to inject one, or null to leave it out.
 */
import type { IsoDate, MenuItem } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { checkEligibility, type EligibilityRequest, type EligibilityResult, type PrintableCheck } from './check-eligibility.js';
import { menuFor } from './menu.js';

export {
  checkEligibility,
  eligibilityIn,
  personRefusal,
  MINIMUM_AGE,
  type EligibilityContext,
  type EligibilityRequest,
  type EligibilityResult,
  type PrintableCheck,
} from './check-eligibility.js';
export { menuFor, menuIn, type MenuContext } from './menu.js';
export { refusalRules } from './refusal-rules.js';

export interface EligibilityEngine {
  checkEligibility(request: EligibilityRequest): Promise<EligibilityResult>;
  menuFor(residentId: string, now: Date, card?: { authCertificateNotAfter?: Date; usableFrom?: IsoDate | null }): Promise<MenuItem[]>;
}

export function createEligibility(database: CenterDatabase, options: { printableCheck?: PrintableCheck | null } = {}): EligibilityEngine {
  const printableCheck = options.printableCheck;
  return {
    checkEligibility: (request) => checkEligibility({ ...request, database, ...(printableCheck !== undefined ? { printableCheck } : {}) }),
    menuFor: (residentId, now, card) =>
      menuFor({
        database,
        residentId,
        now,
        ...(card?.authCertificateNotAfter ? { authCertificateNotAfter: card.authCertificateNotAfter } : {}),
        ...(card?.usableFrom ? { cardUsableFrom: card.usableFrom } : {}),
        ...(printableCheck !== undefined ? { printableCheck } : {}),
      }),
  };
}
