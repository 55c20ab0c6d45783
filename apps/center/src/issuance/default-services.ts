/**
 * The production wiring of CenterServices: the municipal store, the policy store, the eligibility
 * engine and the PDF renderer (worker pool). Nothing here caches municipal data: every call reads
 * the database afresh, so an import is seen by the very next request (docs/misissuance.md#r5).
 */
import { createPrivateKey } from 'node:crypto';
import { MadoguchiError, type CertificateData } from '@madoguchi/shared';
import type { CenterConfig } from '../config.js';
import { readTransaction, type CenterDatabase } from '../db/database.js';
import { createEligibility, menuIn } from '../eligibility/index.js';
import { domicileRegistrationOfferIn } from '../policy/domicile-application.js';
import { policyIn } from '../policy/policy-store.js';
import { createRenderer, createVerificationSigner } from '../rendering/index.js';
import { createMunicipalStore } from '../residents/index.js';
import { certificateDataIn, householdMembersIn } from '../residents/certificate-data.js';
import { cardHolder, getMunicipality, getResident } from '../residents/queries.js';
import type { CenterServices, EligibilityDecision } from './services.js';

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

export function createDefaultServices(
  database: CenterDatabase,
  config: Pick<CenterConfig, 'verificationKey' | 'renderWorkers' | 'publicVerifyBaseUrl'>,
): CenterServices {
  const store = createMunicipalStore(database);
  const renderer = createRenderer({
    workers: config.renderWorkers,
    verifyBaseUrl: config.publicVerifyBaseUrl,
    signer: createVerificationSigner(createPrivateKey(config.verificationKey.privateKeyPem), config.verificationKey.keyId),
  });

  const eligibility = createEligibility(database);

  return {
    findResidentByCard: (issuer, serialNumber) => cardHolder(database.db, issuer, serialNumber),
    async municipalityName(code) {
      const municipality = await store.getMunicipality(code);
      if (!municipality) throw new MadoguchiError('INTERNAL', `no municipality ${code}`);
      return municipality.name;
    },
    sessionView: (session, now) =>
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
    async checkEligibility(request): Promise<EligibilityDecision> {
      const result = await eligibility.checkEligibility(request);
      return result.ok
        ? { ok: true, feeYen: result.feeYen, municipalityCode: result.municipalityCode, municipalityName: result.municipalityName }
        : { ok: false, code: result.code };
    },
    certificateToRender: (request, residenceMunicipalityCode) =>
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
    render: (input, options) => renderer.render(input, options),
    renderReport: (report) => renderer.renderReport(report),
    close: () => renderer.close(),
  };
}
