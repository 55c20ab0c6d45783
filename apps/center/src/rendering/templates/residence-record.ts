/**
 * 住民票の写し and 住民票記載事項証明書: household form (世帯連記式, persons per page from the layout
 * profile) or individual form (個票, one person per page). Every item the resident chose, and 旧氏
 * whenever one is registered (omitting it was a real incident).
 */
import type { CertificateData, Resident } from '@madoguchi/shared';
import { row, spacer, type Block, type Cell } from '../layout/blocks.js';
import { keepTogether } from '../layout/composite.js';
import type { TemplateContext, TemplateOutput } from './template.js';
import { eraDate, fullName, kanaName, sexLabel, westernDate } from './text-format.js';

type ResidenceData = Extract<CertificateData, { certificateType: 'residenceRecord' | 'residenceItemsCertificate' }>;

function personRows(ctx: TemplateContext, r: Resident, data: ResidenceData): Block[] {
  const { c, g } = ctx;
  const o = data.options;
  const foreign = r.foreign;
  const rows: Block[] = [];
  const first: Cell[] = [
    { label: '氏名', value: fullName(r.name), ruby: ctx.g.profile.showFurigana ? kanaName(r.name) : undefined, weight: 3.2, field: 'name' },
    { label: '生年月日', value: foreign ? westernDate(r.birthDate) : eraDate(r.birthDate), weight: 2.2 },
    { label: '性別', value: sexLabel(r.sex), weight: 1 },
  ];
  if (o.householdHeadAndRelationship) first.push({ label: '続柄', value: r.relationship, weight: 1.4 });
  rows.push(row(c, g, first));
  if (r.formerSurname) rows.push(row(c, g, [{ label: '旧氏', value: r.formerSurname, field: 'formerSurname' }]));
  if (foreign?.alias) rows.push(row(c, g, [{ label: '通称', value: foreign.alias, field: 'alias' }]));
  rows.push(
    row(c, g, [
      { label: '住民となった日', value: eraDate(r.becameResidentOn) },
      { label: '住所を定めた日', value: eraDate(r.addressSetOn) },
      { label: '届出日', value: eraDate(r.notifiedOn) },
    ]),
  );
  if (r.previousAddress) rows.push(row(c, g, [{ label: '転入前住所', value: r.previousAddress, field: 'previousAddress' }]));
  if (o.domicile && r.domicile) {
    rows.push(
      row(c, g, [
        { label: '本籍', value: r.domicile.address, weight: 3, field: 'domicile' },
        { label: '筆頭者', value: r.domicile.headName, weight: 1.6, field: 'domicileHead' },
      ]),
    );
  }
  if (o.myNumber) rows.push(row(c, g, [{ label: '個人番号', value: r.myNumber }]));
  if (foreign && o.foreignResidentItems) {
    rows.push(
      row(c, g, [
        { label: '国籍・地域', value: foreign.nationality },
        { label: '在留カード等の番号', value: foreign.residenceCardNumber },
      ]),
    );
    rows.push(
      row(c, g, [
        { label: '在留資格', value: foreign.residenceStatus, weight: 1.6 },
        { label: '在留期間', value: foreign.periodOfStay },
        { label: '満了日', value: westernDate(foreign.periodExpiresOn) },
      ]),
    );
  }
  return rows;
}

export function residenceRecordTemplate(ctx: TemplateContext, data: ResidenceData): TemplateOutput {
  const { c, g } = ctx;
  const header: Block[] = [row(c, g, [{ label: '住所', value: data.household.address, field: 'address' }])];
  if (data.options.householdHeadAndRelationship)
    header.push(row(c, g, [{ label: '世帯主', value: fullName(data.householdHeadName), field: 'householdHead' }]));
  header.push(spacer(6));

  const individual = data.options.form === 'individual';
  const perPage = individual ? 1 : g.profile.personsPerPage;
  const body = data.members.map((m, i) => keepTogether(personRows(ctx, m, data), { breakBefore: i > 0 && i % perPage === 0, gapAfter: 6 }));

  const policy = ctx.input.policy.fixedTexts;
  const certification =
    data.certificateType === 'residenceItemsCertificate'
      ? '上記のとおり住民票に記載されていることを証明する。'
      : data.wholeHousehold
        ? policy.residenceRecordWholeHousehold
        : policy.residenceRecordPartial;
  return {
    title: data.certificateType === 'residenceItemsCertificate' ? '住民票記載事項証明書' : '住民票の写し',
    header,
    body,
    certification,
  };
}
