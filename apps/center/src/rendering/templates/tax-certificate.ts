/**
 * 税証明書: 所得・課税証明書, 非課税証明書, 納税証明書. Amounts are integer yen printed with
 * thousands separators; tax names follow the municipality (特別区民税・都民税 in Tokyo's wards).
 */
import { formatEraFiscalYear, formatEraYearOnly, type CertificateData } from '@madoguchi/shared';
import { row, spacer, textLine, type Block } from '../layout/blocks.js';
import type { TemplateContext, TemplateOutput } from './template.js';
import { eraDate, fullName, westernDate, yenText } from './text-format.js';

type TaxData = Extract<CertificateData, { certificateType: 'taxCertificate' }>;

function taxNames(kind: string): { municipal: string; prefectural: string } {
  return kind === 'specialWard'
    ? { municipal: '特別区民税', prefectural: '都民税' }
    : { municipal: '市町村民税', prefectural: '道府県民税' };
}

export function taxCertificateTemplate(ctx: TemplateContext, data: TaxData): TemplateOutput {
  const { c, g } = ctx;
  const rec = data.record;
  const r = data.resident;
  const names = taxNames(ctx.input.municipality.kind);
  const header: Block[] = [
    row(c, g, [
      { label: '年度', value: formatEraFiscalYear(rec.taxYear) },
      { label: '所得の年', value: `${formatEraYearOnly(rec.incomeYear)}分` },
    ]),
    row(c, g, [{ label: '住所', value: data.address, field: 'address' }]),
    row(c, g, [
      { label: '氏名', value: fullName(r.name), weight: 2, field: 'name' },
      { label: '生年月日', value: r.foreign ? westernDate(r.birthDate) : eraDate(r.birthDate), weight: 1.4 },
    ]),
    spacer(6),
  ];
  const body: Block[] = [];
  const amountRow = (label: string, amount: number) => row(c, g, [{ label, value: yenText(amount) }]);
  if (data.kind === 'payment') {
    body.push(textLine(c, g, `${names.municipal}・${names.prefectural}（普通徴収）`));
    body.push(row(c, g, [{ value: '期別' }, { value: '納期限' }, { value: '税額' }, { value: '納付額' }, { value: '未納額' }]));
    let assessed = 0;
    let paid = 0;
    for (const p of rec.payments) {
      assessed += p.assessed;
      paid += p.paid;
      body.push(
        row(c, g, [
          { value: p.period },
          { value: eraDate(p.dueDate) },
          { value: yenText(p.assessed) },
          { value: yenText(p.paid) },
          { value: yenText(p.assessed - p.paid) },
        ]),
      );
    }
    body.push(
      row(c, g, [
        { value: '合計' },
        { value: '' },
        { value: yenText(assessed) },
        { value: yenText(paid) },
        { value: yenText(assessed - paid) },
      ]),
    );
  } else {
    body.push(textLine(c, g, '所得の内訳'));
    for (const i of rec.incomes) body.push(amountRow(`${i.kind}所得`, i.amount));
    body.push(amountRow('合計所得金額', rec.totalIncome));
    if (data.kind === 'income') {
      body.push(spacer(4), textLine(c, g, '所得控除'));
      for (const d of rec.deductions) body.push(amountRow(d.kind, d.amount));
      body.push(amountRow('課税標準額', rec.taxableIncome));
      body.push(spacer(4), textLine(c, g, '税額'));
      body.push(
        amountRow(names.municipal, rec.municipalTax),
        amountRow(names.prefectural, rec.prefecturalTax),
        amountRow('合計', rec.municipalTax + rec.prefecturalTax),
      );
    }
  }
  const titles = { income: '所得・課税証明書', nonTaxable: '非課税証明書', payment: '納税証明書' } as const;
  const certification =
    data.kind === 'nonTaxable'
      ? `上記の者は、${formatEraFiscalYear(rec.taxYear)}${names.municipal}・${names.prefectural}が非課税であることを証明する。`
      : data.kind === 'payment'
        ? '上記のとおり納付されていることを証明する。'
        : '上記のとおり相違ないことを証明する。';
  return { title: titles[data.kind], header, body, certification };
}
