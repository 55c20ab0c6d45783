/**
 * A sample (見本) of each certificate type with a municipality's current settings — head, seal and
 * its size, texts — or with a seal uploaded but not yet saved. The person on it is fictitious: the
 * demo data generator's ordinary household (another seed than the demo world's), moved into the
 * municipality with a sample address; no stored resident's record is ever read. The renderer marks
 * every page 見本 (SAMPLE) and leaves the verification QR code and its signed payload out, so the
 * public /verify page has nothing to accept. Rendered in the render worker pool
 * (context.services), never on the thread that serves kiosks.
 */
import { randomUUID } from 'node:crypto';
import {
  defaultResidenceRecordOptions,
  formatIssueNumber,
  japanDate,
  type CertificateData,
  type CertificateType,
  type ConsoleResponse,
  type Municipality,
  type MunicipalityPolicy,
} from '@madoguchi/shared';
import { generateDemoData, type DemoData } from '@madoguchi/shared/demo-data';
import { readTransaction } from '../db/database.js';
import type { CenterContext } from '../http/context.js';
import { storedPolicy } from './policy-changes.js';
import { storedMunicipality } from './municipality-overview.js';

/** Not the demo world's seed: the sample household is not one the demo center holds either. */
const PREVIEW_SEED = 11;

let world: DemoData | undefined;
const sampleWorld = () => (world ??= generateDemoData(PREVIEW_SEED));

/** Every municipality code and address of the sample moved to `municipality`. */
function relocate<T>(value: T, municipality: Municipality): T {
  const address = `${municipality.prefecture}${municipality.name}見本町一丁目1番地`;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(
      Object.entries(v).map(([key, item]) => {
        if (key === 'municipalityCode' && typeof item === 'string') return [key, municipality.code];
        if ((key === 'address' || key === 'domicileAddress') && typeof item === 'string') return [key, address];
        return [key, walk(item)];
      }),
    );
  };
  return walk(value) as T;
}

/** The sample certificate data of a type: the ordinary household of the sample world. */
export function sampleData(type: CertificateType, municipality: Municipality): CertificateData {
  const { batch, featured } = sampleWorld();
  const person = batch.residents.find((r) => r.residentId === featured.ordinary)!;
  const household = batch.households.find((h) => h.householdId === person.householdId)!;
  const members = batch.residents.filter((r) => r.householdId === household.householdId && r.status === 'active');
  const head = members.find((m) => m.residentId === household.householdHeadId) ?? person;
  const register = batch.familyRegisters.find((f) => f.persons.some((p) => p.residentId === person.residentId))!;
  const data = ((): CertificateData => {
    switch (type) {
      case 'residenceRecord':
      case 'residenceItemsCertificate':
        return {
          certificateType: type,
          household,
          members: [head, ...members.filter((m) => m !== head)],
          wholeHousehold: true,
          householdHeadName: head.name,
          options: defaultResidenceRecordOptions(),
        };
      case 'sealCertificate': {
        const registration = batch.sealRegistrations.find((s) => s.residentId === person.residentId && s.status === 'active')!;
        return { certificateType: type, resident: person, address: household.address, registration };
      }
      case 'familyRegisterFull':
      case 'familyRegisterIndividual': {
        const persons =
          type === 'familyRegisterFull' ? register.persons : register.persons.filter((p) => p.residentId === person.residentId);
        return { certificateType: type, register, persons };
      }
      case 'familyRegisterAddressHistory': {
        const history = batch.addressHistories.find((h) => h.registerId === register.registerId)!;
        return { certificateType: type, register, history };
      }
      case 'taxCertificate': {
        const record = batch.taxRecords.filter((t) => t.residentId === person.residentId).sort((a, b) => b.taxYear - a.taxYear)[0]!;
        return { certificateType: type, kind: 'income', resident: person, address: household.address, record };
      }
    }
  })();
  return relocate(data, municipality);
}

export type PreviewResponse = ConsoleResponse<'preview'>;

/** Renders the sample of `type` with the stored settings, or with `seal` in place of the stored seal. */
export async function renderPreview(
  context: CenterContext,
  code: string,
  type: CertificateType,
  seal?: { pngBase64: string; sizeMm: number },
): Promise<PreviewResponse> {
  const { municipality, policy } = await readTransaction(context.database, async (trx) => ({
    municipality: await storedMunicipality(trx, code),
    policy: await storedPolicy(trx, code),
  }));
  const now = context.now();
  const issuedOn = japanDate(now);
  const renderPolicy: Pick<MunicipalityPolicy, 'officialSealPng' | 'officialSealSizeMm' | 'fixedTexts'> = {
    officialSealPng: seal?.pngBase64 ?? policy.officialSealPng,
    ...((seal?.sizeMm ?? policy.officialSealSizeMm) === undefined ? {} : { officialSealSizeMm: seal?.sizeMm ?? policy.officialSealSizeMm }),
    fixedTexts: policy.fixedTexts,
  };
  const issueNumber = formatIssueNumber({
    date: issuedOn.replaceAll('-', ''),
    municipalityName: municipality.name,
    terminalId: 'SAMPLE',
    printerId: 'P00',
    sequence: '000000',
  });
  const document = await context.services.render(
    {
      issuanceId: `preview-${randomUUID()}`,
      copyIndex: 0,
      issueNumber,
      municipality,
      policy: renderPolicy,
      sample: true,
      issuedOn,
      data: sampleData(type, municipality),
    },
    { timeoutMs: context.config.timeouts.renderTimeoutMs },
  );
  return { pdfBase64: Buffer.from(document.pdf).toString('base64'), pageCount: document.pageCount };
}
