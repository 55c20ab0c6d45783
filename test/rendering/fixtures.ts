/**
 * RenderInputs for every certificate type, built from the deterministic demo world (no database:
 * the renderer's contract is CertificateData in, PDF out). Used by the rendering tests, the
 * benchmark and the docs/renders script.
 */
import {
  formatIssueNumber,
  type CertificateData,
  type MunicipalDataBatch,
  type MunicipalityPolicy,
  type RenderInput,
  type Resident,
} from '@madoguchi/shared';
import { generateDemoData, type DemoData } from '@madoguchi/shared/demo-data';

export const demo: DemoData = generateDemoData();
const batch: MunicipalDataBatch = demo.batch;

export function resident(id: string): Resident {
  const r = batch.residents.find((x) => x.residentId === id);
  if (!r) throw new Error(`no resident ${id}`);
  return r;
}

function householdOf(r: Resident) {
  const hh = batch.households.find((h) => h.householdId === r.householdId)!;
  const members = batch.residents.filter((x) => x.householdId === hh.householdId && x.status === 'active');
  const head = members.find((m) => m.residentId === hh.householdHeadId);
  return { hh, members: head ? [head, ...members.filter((m) => m !== head)] : members };
}

function policyOf(code: string): MunicipalityPolicy {
  return demo.policies.find((p) => p.municipalityCode === code)!;
}

let sequence = 0;
export function makeInput(municipalityCode: string, data: CertificateData, issuedOn = '2026-11-23'): RenderInput {
  const municipality = batch.municipalities.find((m) => m.code === municipalityCode)!;
  sequence++;
  const issueNumber = formatIssueNumber({
    date: issuedOn.replaceAll('-', ''),
    municipalityName: municipality.name,
    terminalId: 'KIOSK-0412',
    printerId: 'P01',
    sequence: String(sequence).padStart(6, '0'),
  });
  return { issuanceId: `ISS-${sequence}`, copyIndex: 0, issueNumber, municipality, policy: policyOf(municipalityCode), issuedOn, data };
}

const allOptions = {
  scope: 'household' as const,
  memberIds: [],
  form: 'household' as const,
  householdHeadAndRelationship: true,
  domicile: true,
  myNumber: true,
  foreignResidentItems: true,
};

export function residenceRecordData(
  residentId: string,
  form: 'household' | 'individual' = 'household',
  type: 'residenceRecord' | 'residenceItemsCertificate' = 'residenceRecord',
): CertificateData {
  const { hh, members } = householdOf(resident(residentId));
  const head = members.find((m) => m.residentId === hh.householdHeadId)!;
  return {
    certificateType: type,
    household: hh,
    members,
    wholeHousehold: true,
    householdHeadName: head.name,
    options: { ...allOptions, form },
  };
}

export function sealData(residentId: string): CertificateData {
  const r = resident(residentId);
  const registration = batch.sealRegistrations.find((s) => s.residentId === residentId && s.status === 'active');
  if (!registration) throw new Error('no active seal registration');
  return { certificateType: 'sealCertificate', resident: r, address: householdOf(r).hh.address, registration };
}

export function registerOf(residentId: string) {
  const reg = batch.familyRegisters.find((f) => f.persons.some((p) => p.residentId === residentId));
  if (!reg) throw new Error('no family register');
  return reg;
}

export function familyRegisterData(residentId: string, type: 'familyRegisterFull' | 'familyRegisterIndividual'): CertificateData {
  const register = registerOf(residentId);
  const persons = type === 'familyRegisterFull' ? register.persons : register.persons.filter((p) => p.residentId === residentId);
  return { certificateType: type, register, persons };
}

export function addressHistoryData(residentId: string): CertificateData {
  const register = registerOf(residentId);
  const history = batch.addressHistories.find((h) => h.registerId === register.registerId)!;
  return { certificateType: 'familyRegisterAddressHistory', register, history };
}

export function taxData(residentId: string, kind: 'income' | 'nonTaxable' | 'payment'): CertificateData {
  const r = resident(residentId);
  const record = batch.taxRecords.filter((t) => t.residentId === residentId).sort((a, b) => b.taxYear - a.taxYear)[0];
  if (!record) throw new Error('no tax record');
  return { certificateType: 'taxCertificate', kind, resident: r, address: householdOf(r).hh.address, record };
}

/** The first household of at least `size` active members (household form: more than 4 → 2 pages). */
export function householdOfSize(size: number): Resident[] {
  for (const hh of batch.households) {
    const { members } = householdOf(resident(hh.householdHeadId));
    if (members.length >= size) return members;
  }
  throw new Error(`no household of ${size}`);
}

/** A foreign resident with a registered 通称 (the demo world has none): printed on 住民票 and 印鑑登録証明書. */
export const FOREIGN_ALIAS = '阮文安';

function withAlias(data: CertificateData, residentId: string): CertificateData {
  const add = (r: Resident): Resident =>
    r.residentId === residentId && r.foreign ? { ...r, foreign: { ...r.foreign, alias: FOREIGN_ALIAS } } : r;
  if (data.certificateType === 'residenceRecord' || data.certificateType === 'residenceItemsCertificate')
    return { ...data, members: data.members.map(add) };
  if (data.certificateType === 'sealCertificate') return { ...data, resident: add(data.resident) };
  return data;
}

export interface NamedInput {
  name: string;
  input: RenderInput;
  /** The resident(s) whose data this certificate shows. */
  subjects: Resident[];
}

/** One input per certificate type and form: what the text and pixel tests and docs/renders cover. */
export function everyTemplate(): NamedInput[] {
  const f = demo.featured;
  const ordinary = resident(f.ordinary);
  const code = ordinary.municipalityCode;
  const multi = resident(f.multiPageFamilyRegister);
  const foreign = resident(f.foreignResident);
  const nonTax = resident(f.nonTaxable);
  const mj = resident(f.outsideJisName);
  const ivs = resident(f.ivsName);
  const five = householdOfSize(5);
  const rr = residenceRecordData(f.ordinary);
  const members = rr.certificateType === 'residenceRecord' ? rr.members : [];
  return [
    { name: 'residenceRecord-household', input: makeInput(code, rr), subjects: members },
    { name: 'residenceRecord-individual', input: makeInput(code, residenceRecordData(f.formerSurname, 'individual')), subjects: members },
    {
      name: 'residenceRecord-household5',
      input: makeInput(five[0]!.municipalityCode, residenceRecordData(five[0]!.residentId)),
      subjects: five,
    },
    {
      name: 'residenceRecord-foreign',
      input: makeInput(foreign.municipalityCode, withAlias(residenceRecordData(f.foreignResident), f.foreignResident)),
      subjects: [foreign],
    },
    {
      name: 'residenceItemsCertificate',
      input: makeInput(code, residenceRecordData(f.ordinary, 'household', 'residenceItemsCertificate')),
      subjects: members,
    },
    // Hard names in the per-template pixel comparison: 𠮷 (U+20BB7) prints from IPAmj明朝, 葛+VS17
    // (an IVS sequence) through the main font's variation-selector table.
    { name: 'residenceRecord-mjName', input: makeInput(mj.municipalityCode, residenceRecordData(f.outsideJisName)), subjects: [mj] },
    { name: 'sealCertificate', input: makeInput(code, sealData(f.ordinary)), subjects: [ordinary] },
    {
      name: 'sealCertificate-foreign',
      input: makeInput(foreign.municipalityCode, withAlias(sealData(f.foreignResident), f.foreignResident)),
      subjects: [foreign],
    },
    { name: 'sealCertificate-ivsName', input: makeInput(ivs.municipalityCode, sealData(f.ivsName)), subjects: [ivs] },
    {
      name: 'familyRegisterFull',
      input: makeInput(
        registerOf(f.multiPageFamilyRegister).municipalityCode,
        familyRegisterData(f.multiPageFamilyRegister, 'familyRegisterFull'),
      ),
      subjects: [multi],
    },
    {
      name: 'familyRegisterIndividual',
      input: makeInput(registerOf(f.ordinary).municipalityCode, familyRegisterData(f.ordinary, 'familyRegisterIndividual')),
      subjects: [ordinary],
    },
    {
      name: 'familyRegisterAddressHistory',
      input: makeInput(registerOf(f.ordinary).municipalityCode, addressHistoryData(f.ordinary)),
      subjects: [ordinary],
    },
    { name: 'taxCertificate-income', input: makeInput(code, taxData(f.ordinary, 'income')), subjects: [ordinary] },
    {
      name: 'taxCertificate-nonTaxable',
      input: makeInput(nonTax.municipalityCode, taxData(f.nonTaxable, 'nonTaxable')),
      subjects: [nonTax],
    },
    { name: 'taxCertificate-payment', input: makeInput(code, taxData(f.ordinary, 'payment')), subjects: [ordinary] },
  ];
}
