/**
 * The production wiring of CenterServices: the municipal store, the policy store, the eligibility
 * engine and the PDF renderer (worker pool). Nothing here caches municipal data: every call reads
 * the database afresh, so an import is seen by the very next request (misissuance.md req. 5).
 */
import { createPrivateKey } from 'node:crypto';
import { MadoguchiError, certificateTypes, isFamilyRegisterType, japanDate, type CertificateData, type MenuItem } from '@madoguchi/shared';
import type { CenterConfig } from '../config.js';
import type { CenterDatabase } from '../db/database.js';
import { createPolicyStore } from '../policy/index.js';
import { createRenderer, createVerificationSigner } from '../rendering/index.js';
import { createMunicipalStore } from '../residents/index.js';
import type { CenterServices, EligibilityDecision } from './services.js';

function certifyingMunicipality(data: CertificateData, residenceMunicipalityCode: string): string {
  if (data.certificateType === 'familyRegisterFull' || data.certificateType === 'familyRegisterIndividual' || data.certificateType === 'familyRegisterAddressHistory') {
    return data.register.municipalityCode;
  }
  return residenceMunicipalityCode;
}

export function createDefaultServices(database: CenterDatabase, config: Pick<CenterConfig, 'verificationKey' | 'renderWorkers'>): CenterServices {
  const store = createMunicipalStore(database);
  const policies = createPolicyStore(database);
  const renderer = createRenderer({
    workers: config.renderWorkers,
    signer: createVerificationSigner(createPrivateKey(config.verificationKey.privateKeyPem), config.verificationKey.keyId),
  });

  // Interim eligibility until the eligibility engine is wired: the fee in force (type offered),
  // then the record rules that loadCertificateData itself enforces. Runs before payment.
  async function checkEligibility(request: Parameters<CenterServices['checkEligibility']>[0]): Promise<EligibilityDecision> {
    const resident = await store.getResident(request.residentId);
    if (!resident) return { ok: false, code: 'AUTH_RESIDENT_UNKNOWN' };
    try {
      const data = await store.loadCertificateData({ residentId: request.residentId, certificateType: request.certificateType, options: request.options, now: request.now });
      const municipalityCode = certifyingMunicipality(data, resident.municipalityCode);
      const fee = await policies.feeFor(municipalityCode, request.certificateType, japanDate(request.now));
      if (fee === null) return { ok: false, code: 'ELIGIBILITY_TYPE_NOT_OFFERED' };
      return { ok: true, feeYen: fee, municipalityCode };
    } catch (error) {
      if (error instanceof MadoguchiError) return { ok: false, code: error.code };
      throw error;
    }
  }

  return {
    async findResidentByCard(issuer, serialNumber) {
      const link = await store.cardLink(issuer, serialNumber);
      if (!link) return null;
      const resident = await store.getResident(link.residentId);
      return resident ? { residentId: resident.residentId, municipalityCode: resident.municipalityCode, usableFrom: link.usableFrom } : null;
    },
    async municipalityName(code) {
      const municipality = await store.getMunicipality(code);
      if (!municipality) throw new MadoguchiError('INTERNAL', `no municipality ${code}`);
      return municipality.name;
    },
    async menuFor(residentId, now) {
      const resident = await store.getResident(residentId);
      if (!resident) return [];
      const today = japanDate(now);
      const items: MenuItem[] = [];
      for (const certificateType of certificateTypes) {
        const fee = isFamilyRegisterType(certificateType) ? null : await policies.feeFor(resident.municipalityCode, certificateType, today);
        items.push(fee === null ? { certificateType, available: false, refusal: 'ELIGIBILITY_TYPE_NOT_OFFERED' } : { certificateType, available: true, feeYen: fee });
      }
      return items;
    },
    async householdMembers(residentId) {
      const members = await store.householdMembers(residentId);
      return members.map((m) => ({ residentId: m.residentId, displayName: `${m.name.family} ${m.name.given}`.trim(), relationship: m.relationship }));
    },
    checkEligibility,
    loadCertificateData: (request) => store.loadCertificateData(request),
    async renderContext(data, residenceMunicipalityCode) {
      const code = certifyingMunicipality(data, residenceMunicipalityCode);
      const [municipality, policy] = await Promise.all([store.getMunicipality(code), policies.getPolicy(code)]);
      if (!municipality || !policy) throw new MadoguchiError('INTERNAL', `no municipality or policy for ${code}`);
      return { municipality, policy: { officialSealPng: policy.officialSealPng, fixedTexts: policy.fixedTexts } };
    },
    render: (input, options) => renderer.render(input, options),
    close: () => renderer.close(),
  };
}
