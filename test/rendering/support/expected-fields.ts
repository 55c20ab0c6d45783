/**
 * Every value a certificate must show, computed from the request independently of the templates
 * (with the shared formatters and the wording of docs/certificate-contents.md#titles), so a template
 * that drops an item fails the text test. Labels are expected next to their values where the form
 * prints them as a pair (e.g. 世帯主 and the head's name, an income kind and its amount).
 */
import {
  formatEraDate,
  formatEraFiscalYear,
  formatEraYearOnly,
  formatThousands,
  type PersonName,
  type RenderInput,
  type Resident,
} from '@madoguchi/shared';
import { layoutFor } from '@madoguchi/center/rendering';

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
  if (r.foreign && o.foreign)
    out.push(
      r.foreign.nationality,
      r.foreign.residenceCardNumber,
      r.foreign.residenceStatus,
      r.foreign.periodOfStay,
      western(r.foreign.periodExpiresOn),
    );
  if (r.foreign?.alias) out.push(`通称${r.foreign.alias}`);
  return out;
}

/** The title of each certificate (docs/certificate-contents.md#titles). */
export function expectedTitle(input: RenderInput): string {
  const d = input.data;
  switch (d.certificateType) {
    case 'residenceRecord':
      return '住民票の写し';
    case 'residenceItemsCertificate':
      return '住民票記載事項証明書';
    case 'sealCertificate':
      return '印鑑登録証明書';
    case 'familyRegisterFull':
      return '全部事項証明書';
    case 'familyRegisterIndividual':
      return '個人事項証明書';
    case 'familyRegisterAddressHistory':
      return '戸籍の附票の写し';
    case 'taxCertificate':
      return { income: '所得・課税証明書', nonTaxable: '非課税証明書', payment: '納税証明書' }[d.kind];
  }
}

/** Resident-tax names: Tokyo's special wards levy 特別区民税・都民税, other municipalities 市町村民税・道府県民税. */
function taxNames(input: RenderInput): { municipal: string; prefectural: string } {
  return input.municipality.kind === 'specialWard'
    ? { municipal: '特別区民税', prefectural: '都民税' }
    : { municipal: '市町村民税', prefectural: '道府県民税' };
}

/** The authentication sentence (認証文) of the last page. */
export function expectedCertification(input: RenderInput): string {
  const d = input.data;
  const fixed = input.policy.fixedTexts;
  switch (d.certificateType) {
    case 'residenceRecord':
      return d.wholeHousehold ? fixed.residenceRecordWholeHousehold : fixed.residenceRecordPartial;
    case 'residenceItemsCertificate':
      return '上記のとおり住民票に記載されていることを証明する。';
    case 'sealCertificate':
      return fixed.sealCertificate;
    case 'familyRegisterFull':
      return 'これは、戸籍に記録されている事項の全部を証明した書面である。';
    case 'familyRegisterIndividual':
      return 'これは、戸籍中の一部の者について記録されている事項を証明した書面である。';
    case 'familyRegisterAddressHistory':
      return 'この写しは、戸籍の附票の原本と相違ないことを証明する。';
    case 'taxCertificate': {
      const t = taxNames(input);
      if (d.kind === 'nonTaxable')
        return `上記の者は、${formatEraFiscalYear(d.record.taxYear)}${t.municipal}・${t.prefectural}が非課税であることを証明する。`;
      return d.kind === 'payment' ? '上記のとおり納付されていることを証明する。' : '上記のとおり相違ないことを証明する。';
    }
  }
}

/** The head of the municipality as printed under the 認証文. */
export function expectedHead(input: RenderInput): string {
  const m = input.municipality;
  return `${m.prefecture}${m.head.title}${m.head.name}`;
}

export function expectedFields(input: RenderInput): string[] {
  const d = input.data;
  const m = input.municipality;
  const out: string[] = [
    expectedTitle(input),
    expectedCertification(input),
    era(input.issuedOn),
    expectedHead(input),
    input.policy.fixedTexts.sealNote,
  ];
  switch (d.certificateType) {
    case 'residenceRecord':
    case 'residenceItemsCertificate': {
      out.push(d.household.address);
      const o = d.options;
      if (o.householdHeadAndRelationship) out.push(`世帯主${name(d.householdHeadName)}`);
      for (const r of d.members)
        out.push(
          ...residentFields(r, {
            relationship: o.householdHeadAndRelationship,
            domicile: o.domicile,
            myNumber: o.myNumber,
            foreign: o.foreignResidentItems,
          }),
        );
      break;
    }
    case 'sealCertificate': {
      const r = d.resident;
      out.push(
        d.registration.registrationNumber,
        name(r.name),
        kana(r.name),
        r.foreign ? western(r.birthDate) : era(r.birthDate),
        d.address,
      );
      if (layoutFor(m.code).sealCertificateShowsSex) out.push(r.sex === 'male' ? '男' : '女');
      if (r.formerSurname) out.push(`旧氏${r.formerSurname}`);
      if (r.foreign?.alias) out.push(`通称${r.foreign.alias}`);
      break;
    }
    case 'familyRegisterFull':
    case 'familyRegisterIndividual': {
      // 【氏名】 is the 筆頭者, with its furigana (a register item since 2025).
      out.push(d.register.domicileAddress, name(d.register.headName), kana(d.register.headName));
      for (const [label, value] of d.register.registerEvents) out.push(`【${label}】${value}`);
      for (const p of d.persons) {
        out.push(`【名】${p.name.given}`, `【生年月日】${era(p.birthDate)}`, `【続柄】${p.relationship}`);
        if (p.name.givenKana) out.push(`【名の振り仮名】${p.name.givenKana}`);
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
      out.push(d.register.domicileAddress, `筆頭者${name(d.register.headName)}`);
      for (const e of d.history.entries) {
        const p = d.register.persons.find((x) => x.personId === e.personId)!;
        out.push(name(p.name), e.address, era(e.addressSetOn));
      }
      break;
    }
    case 'taxCertificate': {
      const rec = d.record;
      const t = taxNames(input);
      out.push(
        `年度${formatEraFiscalYear(rec.taxYear)}`,
        `所得の年${formatEraYearOnly(rec.incomeYear)}分`,
        d.address,
        name(d.resident.name),
        d.resident.foreign ? western(d.resident.birthDate) : era(d.resident.birthDate),
      );
      if (d.kind === 'payment') {
        out.push(`${t.municipal}・${t.prefectural}`);
        for (const p of rec.payments) out.push(`${p.period}${era(p.dueDate)}${yen(p.assessed)}${yen(p.paid)}${yen(p.assessed - p.paid)}`);
      } else {
        for (const i of rec.incomes) out.push(`${i.kind}所得${yen(i.amount)}`);
        out.push(`合計所得金額${yen(rec.totalIncome)}`);
        if (d.kind === 'income') {
          for (const x of rec.deductions) out.push(`${x.kind}${yen(x.amount)}`);
          out.push(
            `課税標準額${yen(rec.taxableIncome)}`,
            `${t.municipal}${yen(rec.municipalTax)}`,
            `${t.prefectural}${yen(rec.prefecturalTax)}`,
          );
        }
      }
      break;
    }
  }
  return out.filter((s) => s.length > 0);
}
