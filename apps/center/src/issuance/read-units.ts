/**
 * The read snapshots of the kiosk calls as units of work (db/database.ts runUnit): the session's view at
 * sign-in, the eligibility decision at the quote and again at payment, and the record to render after
 * payment. Each is one read transaction, as in default-services.ts before; on SQLite the whole snapshot
 * is one message to the SQLite thread instead of one per statement (docs/benchmarks.md#center-fleet).
 * Nothing is cached across calls: every unit reads afresh (docs/misissuance.md#r5).
 */
import { MadoguchiError, type CertificateData, type CertificateOptions, type CertificateType } from '@madoguchi/shared';
import type { Session } from '../auth/sessions.js';
import { readTransaction, unitOfWork, type CenterDatabase } from '../db/database.js';
import { createEligibility, menuIn } from '../eligibility/index.js';
import { domicileRegistrationOfferIn } from '../policy/domicile-application.js';
import { policyIn } from '../policy/policy-store.js';
import { certificateDataIn, householdMembersIn } from '../residents/certificate-data.js';
import { getMunicipality, getResident } from '../residents/queries.js';
import type { EligibilityDecision, EligibilityRequest, RenderContext, SessionView } from './services.js';

function certifyingMunicipality(data: CertificateData, residenceMunicipalityCode: string): string {
  if (
    data.certificateType === 'familyRegisterFull' ||
    data.certificateType === 'familyRegisterIndividual' ||
    data.certificateType === 'familyRegisterAddressHistory'
  ) {
    return data.register.municipalityCode;
  }
  return residenceMunicipalityCode;
}

/** What sign-in shows of a session (CenterServices.sessionView). */
export const sessionView = unitOfWork(
  'issuance.sessionView',
  (
    database: CenterDatabase,
    { session, now }: { session: Pick<Session, 'residentId' | 'municipalityCode' | 'authNotAfter' | 'cardUsableFrom'>; now: Date },
  ): Promise<SessionView> =>
    readTransaction(database, async (trx) => {
      // One snapshot: the menu reads the resident, household and policy first; the rest reuse them.
      const menu = await menuIn(trx, {
        residentId: session.residentId,
        now,
        authCertificateNotAfter: session.authNotAfter,
        ...(session.cardUsableFrom ? { cardUsableFrom: session.cardUsableFrom } : {}),
      });
      const municipality = await getMunicipality(trx, session.municipalityCode);
      if (!municipality) throw new MadoguchiError('INTERNAL', `no municipality ${session.municipalityCode}`);
      const resident = await getResident(trx, session.residentId);
      const members = resident ? (await householdMembersIn(trx, resident)).printable : [];
      const domicileRegistration = await domicileRegistrationOfferIn(trx, session, now);
      return {
        municipalityName: municipality.name,
        menu,
        householdMembers: members.map((m) => ({
          residentId: m.residentId,
          displayName: `${m.name.family} ${m.name.given}`.trim(),
          relationship: m.relationship,
        })),
        ...(domicileRegistration ? { domicileRegistration } : {}),
      };
    }),
);

/** The eligibility decision (CenterServices.checkEligibility), in one read snapshot (eligibility/check-eligibility.ts). */
export const checkEligibility = unitOfWork(
  'issuance.checkEligibility',
  async (database: CenterDatabase, request: EligibilityRequest): Promise<EligibilityDecision> => {
    const result = await createEligibility(database).checkEligibility(request);
    return result.ok
      ? { ok: true, feeYen: result.feeYen, municipalityCode: result.municipalityCode, municipalityName: result.municipalityName }
      : { ok: false, code: result.code };
  },
);

/** The approved record to render and its certifying municipality's seal and texts (CenterServices.certificateToRender). */
export const certificateToRender = unitOfWork(
  'issuance.certificateToRender',
  (
    database: CenterDatabase,
    {
      request,
      residenceMunicipalityCode,
    }: {
      request: { residentId: string; certificateType: CertificateType; options: CertificateOptions; now: Date };
      residenceMunicipalityCode: string;
    },
  ): Promise<{ data: CertificateData } & RenderContext> =>
    readTransaction(database, async (trx) => {
      const data = await certificateDataIn(trx, request);
      const code = certifyingMunicipality(data, residenceMunicipalityCode);
      // The policy first: in this snapshot its statement brings the municipality with it (policyIn).
      const policy = await policyIn(trx, code);
      const municipality = await getMunicipality(trx, code);
      if (!municipality || !policy) throw new MadoguchiError('INTERNAL', `no municipality or policy for ${code}`);
      const { officialSealPng, officialSealSizeMm, fixedTexts } = policy;
      return {
        data,
        municipality,
        policy: { officialSealPng, ...(officialSealSizeMm === undefined ? {} : { officialSealSizeMm }), fixedTexts },
      };
    }),
);
