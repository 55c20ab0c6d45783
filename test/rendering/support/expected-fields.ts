/**
 * Every value a certificate must show, computed from the request independently of the templates
 * (with the shared formatters), so a template that drops an item fails the text test.
 */
import { formatEraDate, formatEraFiscalYear, formatThousands, type PersonName, type RenderInput, type Resident } from '@madoguchi/shared';
import { layoutFor } from '../../../apps/center/src/rendering/index.js';

const era = formatEraDate;
const western = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
};
const name = (n: PersonName) => `${n.family}${n.given}`;
const kana = (n: PersonName) => `${n.familyKana ?? ''}${n.givenKana ?? ''}`;
const yen = (n: number) => `${formatThousands(n)}円`;

function residentFields(r: Resident, o: { relationship: boolean; domicile: boolean; myNumber: boolean; foreign: boolean }): string[] {
  const out = [name(r.name), kana(r.name), r.foreign ? western(r.birthDate) : era(r.birthDate), r.sex === 'male' ? '男' : '女'];
  if (o.relationship) out.push(r.relationship);
  if (r.formerSurname) out.push(`旧氏${r.formerSurname}`);
  out.push(era(r.becameResidentOn), era(r.addressSetOn), era(r.notifiedOn));
  if (r.previousAddress) out.push(r.previousAddress);
  if (o.domicile && r.domicile) out.push(r.domicile.address, r.domicile.headName);
  if (o.myNumber) out.push(r.myNumber);
  if (r.foreign && o.foreign) out.push(r.foreign.nationality, r.foreign.residenceCardNumber, r.foreign.residenceStatus, r.foreign.periodOfStay, western(r.foreign.periodExpiresOn));
  if (r.foreign?.alias) out.push(r.foreign.alias);
  return out;
}

export function expectedFields(input: RenderInput): string[] {
  const d = input.data;
  const m = input.municipality;
  const out: string[] = [era(input.issuedOn), `${m.prefecture}${m.head.title}${m.head.name}`, input.policy.fixedTexts.sealNote];
  switch (d.certificateType) {
    case 'residenceRecord':
    case 'residenceItemsCertificate': {
      out.push(d.household.address);
      if (d.certificateType === 'residenceRecord') out.push(d.wholeHousehold ? input.policy.fixedTexts.residenceRecordWholeHousehold : input.policy.fixedTexts.residenceRecordPartial);
      const o = d.options;
      for (const r of d.members) out.push(...residentFields(r, { relationship: o.householdHeadAndRelationship, domicile: o.domicile, myNumber: o.myNumber, foreign: o.foreignResidentItems }));
      break;
    }
    case 'sealCertificate': {
      const r = d.resident;
      out.push(input.policy.fixedTexts.sealCertificate, d.registration.registrationNumber, name(r.name), kana(r.name), era(r.birthDate), d.address);
      if (layoutFor(m.code).sealCertificateShowsSex) out.push(r.sex === 'male' ? '男' : '女');
      if (r.formerSurname) out.push(r.formerSurname);
      break;
    }
    case 'familyRegisterFull':
    case 'familyRegisterIndividual': {
      out.push(d.register.domicileAddress, name(d.register.headName));
      for (const [label, value] of d.register.registerEvents) out.push(`【${label}】${value}`);
      for (const p of d.persons) {
        out.push(`【名】${p.name.given}`, `【生年月日】${era(p.birthDate)}`, `【続柄】${p.relationship}`);
        if (p.name.givenKana) out.push(p.name.givenKana);
        if (p.father) out.push(`【父】${p.father}`);
        if (p.mother) out.push(`【母】${p.mother}`);
        if (p.spouseRole) out.push(`【配偶者区分】${p.spouseRole}`);
        for (const e of p.events) {
          out.push(e.label);
          for (const [label, value] of e.details) out.push(`【${label}】${value}`);
        }
      }
      break;
    }
    case 'familyRegisterAddressHistory': {
      out.push(d.register.domicileAddress, name(d.register.headName));
      for (const e of d.history.entries) {
        const p = d.register.persons.find((x) => x.personId === e.personId)!;
        out.push(name(p.name), e.address, era(e.addressSetOn));
      }
      break;
    }
    case 'taxCertificate': {
      const rec = d.record;
      out.push(formatEraFiscalYear(rec.taxYear), d.address, name(d.resident.name), era(d.resident.birthDate));
      if (d.kind === 'payment') {
        for (const p of rec.payments) out.push(p.period, era(p.dueDate), yen(p.assessed), yen(p.paid), yen(p.assessed - p.paid));
      } else {
        for (const i of rec.incomes) out.push(yen(i.amount));
        out.push(yen(rec.totalIncome));
        if (d.kind === 'income') {
          for (const x of rec.deductions) out.push(x.kind, yen(x.amount));
          out.push(yen(rec.taxableIncome), yen(rec.municipalTax), yen(rec.prefecturalTax));
        }
      }
      break;
    }
  }
  return out.filter((s) => s.length > 0);
}
