/**
 * Statements and settlements as files: CSV (one row per figure, with a section column, so a
 * spreadsheet can sum them) and PDF (report-pdf.ts). Rendered from the statement alone, so a
 * closed month's files are the same bytes every time. The PDF is drawn by the renderer the caller
 * passes: the center's render pool (never the thread that serves kiosks), or in process in a CLI.
 */
import { createHash } from 'node:crypto';
import { certificateTypeLabels, formatThousands, type BillingStatement } from '@madoguchi/shared';
import type { z } from 'zod';
import type { BillingFile, ChainSettlement } from '@madoguchi/shared';
import { toCsv, type CsvCell } from './csv.js';
import type { ReportRenderer, ReportTable } from './report-pdf.js';

type File = z.infer<typeof BillingFile>;
type Settlement = z.infer<typeof ChainSettlement>;

const adjustedLabel: Record<string, string> = {
  fee: '手数料',
  refund: '返金',
  storeCommission: '委託手数料',
  commissionTax: '委託手数料の消費税',
  participationCharge: '負担金',
  manual: '手動調整',
};
const stateLabel = { open: '未締め', closed: '締め済み' } as const;
const yenText = (n: number) => `${formatThousands(n)}円`;

function asFile(fileName: string, contentType: string, bytes: Uint8Array): File {
  return {
    fileName,
    contentType,
    contentBase64: Buffer.from(bytes).toString('base64'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export function statementCsvRows(s: BillingStatement): CsvCell[][] {
  const rows: CsvCell[][] = [['section', 'item', 'chain', 'count', 'unit_yen', 'amount_yen', 'corrects_month', 'entry_id']];
  for (const c of s.certificates) rows.push(['certificate', c.certificateType, null, c.count, null, c.feesYen, null, null]);
  rows.push(['total', 'feesCollected', null, null, null, s.feesCollectedYen, null, null]);
  rows.push(['total', 'refunds', null, null, null, s.refundsYen, null, null]);
  for (const ch of s.chains) {
    for (const r of ch.rates)
      rows.push(['storeCommission', ch.chainName ?? '', ch.chainCode, r.certificates, r.unitYen, r.amountYen, null, null]);
    rows.push(['commissionTax', ch.chainName ?? '', ch.chainCode, null, null, ch.taxYen, null, null]);
  }
  rows.push(['total', 'storeCommission', null, null, null, s.storeCommissionYen, null, null]);
  rows.push(['total', 'commissionTax', null, null, null, s.commissionTaxYen, null, null]);
  rows.push(['total', 'participationCharge', null, null, null, s.participationChargeYen, null, null]);
  for (const a of s.adjustments) rows.push(['adjustment', a.adjusts, a.chainCode, null, null, a.amountYen, a.correctsMonth, a.entryId]);
  rows.push(['total', 'adjustments', null, null, null, s.adjustmentsYen, null, null]);
  rows.push(['total', 'net', null, null, null, s.netYen, null, null]);
  return rows;
}

function statementTables(s: BillingStatement): ReportTable[] {
  const right = 'right' as const;
  return [
    {
      heading: '証明書の種類別',
      columns: [
        { label: '種類', width: 260 },
        { label: '通数', width: 80, align: right },
        { label: '手数料', width: 170, align: right },
      ],
      rows: s.certificates.map((c) => [certificateTypeLabels[c.certificateType].ja, String(c.count), yenText(c.feesYen)]),
    },
    {
      heading: '委託手数料（コンビニ事業者別）',
      columns: [
        { label: '事業者', width: 190 },
        { label: '通数', width: 60, align: right },
        { label: '単価', width: 70, align: right },
        { label: '金額', width: 95, align: right },
        { label: '消費税', width: 95, align: right },
      ],
      rows: s.chains.flatMap((ch) =>
        ch.rates.map((r, i) => [
          ch.chainName ?? ch.chainCode ?? '（事業者未設定）',
          String(r.certificates),
          yenText(r.unitYen),
          yenText(r.amountYen),
          i === ch.rates.length - 1 ? yenText(ch.taxYen) : '',
        ]),
      ),
    },
    {
      heading: '調整（締め後の訂正）',
      columns: [
        { label: '訂正する月', width: 100 },
        { label: '内容', width: 170 },
        { label: '事業者', width: 120 },
        { label: '金額', width: 120, align: right },
      ],
      rows: s.adjustments.map((a) => [a.correctsMonth, adjustedLabel[a.adjusts] ?? a.adjusts, a.chainCode ?? '', yenText(a.amountYen)]),
    },
    {
      heading: '合計',
      columns: [
        { label: '項目', width: 300 },
        { label: '金額', width: 210, align: right },
      ],
      rows: [
        ['手数料収入', yenText(s.feesCollectedYen)],
        ['返金', yenText(s.refundsYen)],
        ['委託手数料', yenText(s.storeCommissionYen)],
        ['委託手数料の消費税（10%、事業者ごとに切り捨て）', yenText(s.commissionTaxYen)],
        ['負担金', yenText(s.participationChargeYen)],
        ['調整', yenText(s.adjustmentsYen)],
        ['差引額', yenText(s.netYen)],
      ],
    },
  ];
}

export async function statementFile(s: BillingStatement, format: 'pdf' | 'csv', renderPdf: ReportRenderer): Promise<File> {
  const base = `statement-${s.municipalityCode}-${s.month}`;
  if (format === 'csv') return asFile(`${base}.csv`, 'text/csv; charset=utf-8', Buffer.from(toCsv(statementCsvRows(s)), 'utf8'));
  const pdf = await renderPdf({
    title: `コンビニ交付 月次精算書 ${s.month}`,
    lines: [
      `${s.municipalityName}（${s.municipalityCode}） ${s.fiscalYear}年度`,
      `状態: ${stateLabel[s.state]}${s.closedAt ? ` （締め: ${s.closedAt}）` : ''}`,
      '金額は市区町村から見た符号付きの円（+ 受け取り、− 負担）。',
    ],
    tables: statementTables(s),
    footer: `${s.municipalityCode} ${s.month}`,
  });
  return asFile(`${base}.pdf`, 'application/pdf', pdf);
}

export function settlementCsvRows(s: Settlement): CsvCell[][] {
  const rows: CsvCell[][] = [
    [
      'municipality_code',
      'municipality',
      'state',
      'certificates',
      'fees_yen',
      'refunds_yen',
      'commission_yen',
      'tax_yen',
      'adjustments_yen',
      'remit_yen',
    ],
  ];
  for (const l of s.lines)
    rows.push([
      l.municipalityCode,
      l.municipalityName,
      l.state,
      l.certificates,
      l.feesCollectedYen,
      l.refundsYen,
      l.storeCommissionYen,
      l.commissionTaxYen,
      l.adjustmentsYen,
      l.remitYen,
    ]);
  rows.push(['total', null, null, null, null, null, null, null, null, s.remitYen]);
  return rows;
}

export async function settlementFile(s: Settlement, format: 'pdf' | 'csv', renderPdf: ReportRenderer): Promise<File> {
  const base = `settlement-${s.chainCode}-${s.month}`;
  if (format === 'csv') return asFile(`${base}.csv`, 'text/csv; charset=utf-8', Buffer.from(toCsv(settlementCsvRows(s)), 'utf8'));
  const right = 'right' as const;
  const pdf = await renderPdf({
    title: `コンビニ交付 事業者別精算書 ${s.month}`,
    lines: [`${s.chainName ?? s.chainCode}（${s.chainCode}）`, `送金額合計: ${yenText(s.remitYen)}`],
    tables: [
      {
        heading: '市区町村別の送金額（手数料 − 返金 − 委託手数料 − 消費税 ± 調整）',
        columns: [
          { label: '市区町村', width: 130 },
          { label: '通数', width: 50, align: right },
          { label: '手数料', width: 85, align: right },
          { label: '委託手数料・税', width: 95, align: right },
          { label: '返金・調整', width: 80, align: right },
          { label: '送金額', width: 70, align: right },
        ],
        rows: s.lines.map((l) => [
          l.municipalityName,
          String(l.certificates),
          yenText(l.feesCollectedYen),
          yenText(l.storeCommissionYen + l.commissionTaxYen),
          yenText(l.refundsYen + l.adjustmentsYen),
          yenText(l.remitYen),
        ]),
      },
    ],
    footer: `${s.chainCode} ${s.month}`,
  });
  return asFile(`${base}.pdf`, 'application/pdf', pdf);
}
