/**
 * The report each render worker draws once at start (fictitious, nothing of a municipality): a
 * title, lines and a table with right-aligned yen, like a statement, so the first real report
 * finds the report path compiled and its glyphs' cmap lookups cached.
 */
import type { Report } from '../../billing/report-pdf.js';

export const WARM_UP_REPORT: Report = {
  title: 'コンビニ交付 月次精算書 見本 2026-01',
  lines: ['見本市（000000） 2026年度', '状態: 未締め', '金額は市区町村から見た符号付きの円（+ 受け取り、− 負担）。'],
  tables: [
    {
      heading: '合計',
      columns: [
        { label: '項目', width: 300 },
        { label: '金額', width: 210, align: 'right' },
      ],
      rows: [
        ['手数料収入', '1,234,567円'],
        ['委託手数料の消費税（10%、事業者ごとに切り捨て）', '-89,012円'],
      ],
    },
  ],
  footer: '000000 2026-01',
};
