/**
 * The production wiring of CenterServices: the municipal store, the policy store, the eligibility
 * engine and the PDF renderer (worker pool). Nothing here caches municipal data: every call reads
 * the database afresh, so an import is seen by the very next request (docs/misissuance.md#r5).
 */
import { createPrivateKey } from 'node:crypto';
import { MadoguchiError, type CertificateData } from '@madoguchi/shared';
import type { CenterConfig } from '../config.js';
import type { CenterDatabase } from '../db/database.js';
import { createEligibility } from '../eligibility/index.js';
import { createPolicyStore } from '../policy/index.js';
import { createRenderer, createVerificationSigner } from '../rendering/index.js';
import { createMunicipalStore } from '../residents/index.js';
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
  const policies = createPolicyStore(database);
  const renderer = createRenderer({
    workers: config.renderWorkers,
    verifyBaseUrl: config.publicVerifyBaseUrl,
    signer: createVerificationSigner(createPrivateKey(config.verificationKey.privateKeyPem), config.verificationKey.keyId),
  });

  const eligibility = createEligibility(database);

  return {
    async findResidentByCard(issuer, serialNumber) {
      const link = await store.cardLink(issuer, serialNumber);
      if (!link) return null;
      const resident = await store.getResident(link.residentId);
      return resident
        ? { residentId: resident.residentId, municipalityCode: resident.municipalityCode, usableFrom: link.usableFrom }
        : null;
    },
    async municipalityName(code) {
      const municipality = await store.getMunicipality(code);
      if (!municipality) throw new MadoguchiError('INTERNAL', `no municipality ${code}`);
      return municipality.name;
    },
    menuFor: (residentId, now, card) => eligibility.menuFor(residentId, now, card),
    async householdMembers(residentId) {
      const members = await store.householdMembers(residentId);
      return members.map((m) => ({
        residentId: m.residentId,
        displayName: `${m.name.family} ${m.name.given}`.trim(),
        relationship: m.relationship,
      }));
    },
    async checkEligibility(request): Promise<EligibilityDecision> {
      const result = await eligibility.checkEligibility(request);
      return result.ok ? { ok: true, feeYen: result.feeYen, municipalityCode: result.municipalityCode } : { ok: false, code: result.code };
    },
    loadCertificateData: (request) => store.loadCertificateData(request),
    async renderContext(data, residenceMunicipalityCode) {
      const code = certifyingMunicipality(data, residenceMunicipalityCode);
      const [municipality, policy] = await Promise.all([store.getMunicipality(code), policies.getPolicy(code)]);
      if (!municipality || !policy) throw new MadoguchiError('INTERNAL', `no municipality or policy for ${code}`);
      const { officialSealPng, officialSealSizeMm, fixedTexts } = policy;
      return { municipality, policy: { officialSealPng, ...(officialSealSizeMm === undefined ? {} : { officialSealSizeMm }), fixedTexts } };
    },
    render: (input, options) => renderer.render(input, options),
    renderReport: (report) => renderer.renderReport(report),
    close: () => renderer.close(),
  };
}
