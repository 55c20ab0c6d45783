/** 戸籍の附票の写し: 本籍, 筆頭者, and for each person the address history (住所, 住所を定めた年月日). */
import type { CertificateData } from '@madoguchi/shared';
import { row, spacer, textLine, type Block } from '../layout/blocks.js';
import { keepTogether } from '../layout/composite.js';
import type { TemplateContext, TemplateOutput } from './template.js';
import { eraDate, fullName } from './text-format.js';

type HistoryData = Extract<CertificateData, { certificateType: 'familyRegisterAddressHistory' }>;

export function addressHistoryTemplate(ctx: TemplateContext, data: HistoryData): TemplateOutput {
  const { c, g } = ctx;
  const reg = data.register;
  const header: Block[] = [
    row(c, g, [{ label: '本籍', value: reg.domicileAddress, field: 'domicile' }]),
    row(c, g, [{ label: '筆頭者', value: fullName(reg.headName), field: 'headName' }]),
    spacer(6),
  ];
  const body: Block[] = [];
  for (const person of reg.persons) {
    const entries = data.history.entries.filter((e) => e.personId === person.personId);
    if (entries.length === 0) continue;
    const rows: Block[] = [
      textLine(c, g, `氏名\u3000${fullName(person.name)}\u3000（${eraDate(person.birthDate)}生）`, { field: 'name', gap: 2 }),
    ];
    for (const e of entries) {
      rows.push(
        row(c, g, [
          { label: '住所', value: e.address, weight: 3, field: 'address' },
          { label: '住所を定めた日', value: eraDate(e.addressSetOn), weight: 1.6 },
        ]),
      );
    }
    body.push(keepTogether(rows, { gapAfter: 6 }));
  }
  return { title: '戸籍の附票の写し', header, body, certification: 'この写しは、戸籍の附票の原本と相違ないことを証明する。' };
}
