/**
 * The issuance log as CSV, for the console's export and `madoguchi-center issuances export`: every
 * page of a search, written a page at a time (keyset, like the search) so an export of millions of
 * rows never sits in memory. UTF-8 with a BOM (so a spreadsheet reads the Japanese store names),
 * CRLF lines, RFC 4180 quoting.
 *
 * Spreadsheet formula injection: a store name is whatever was typed at enrollment, and a cell that
 * starts with = + - @, a tab or a CR is run as a formula by Excel and LibreOffice (OWASP "CSV
 * Injection"). Such a text cell gets a leading apostrophe, which the spreadsheet shows as text.
 * Numbers are written by us and never pass through it.
 */
import type { IssuanceLogRow } from '@madoguchi/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { searchPage, type Keyset, type ResolvedFilter } from './issuance-log-query.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell, defused and quoted as needed. */
export function csvTextCell(value: string | null): string {
  if (value === null) return '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const numberCell = (value: number | null) => (value === null ? '' : String(value));

/** `YYYY-MM-DD HH:MM:SS` in Japan time, which spreadsheets read as a date and time. */
export function japanDateTime(instant: string): string {
  return new Date(new Date(instant).getTime() + 9 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

const columns: [string, (row: IssuanceLogRow) => string][] = [
  ['issuance_id', (r) => csvTextCell(r.issuanceId)],
  ['created_at_jst', (r) => csvTextCell(japanDateTime(r.createdAt))],
  ['created_at', (r) => csvTextCell(r.createdAt)],
  ['municipality_code', (r) => csvTextCell(r.municipalityCode)],
  ['certificate_type', (r) => csvTextCell(r.certificateType)],
  ['state', (r) => csvTextCell(r.state)],
  ['failure_code', (r) => csvTextCell(r.failureCode)],
  ['copies', (r) => numberCell(r.copies)],
  ['page_count', (r) => numberCell(r.pageCount)],
  ['fee_yen', (r) => numberCell(r.feeYen)],
  ['total_yen', (r) => numberCell(r.totalYen)],
  ['paid_yen', (r) => numberCell(r.paidYen)],
  ['refund_yen', (r) => numberCell(r.refundYen)],
  ['chain_code', (r) => csvTextCell(r.chainCode)],
  ['store_code', (r) => csvTextCell(r.storeCode)],
  ['store_name', (r) => csvTextCell(r.storeName)],
  ['terminal_id', (r) => csvTextCell(r.terminalId)],
  ['issue_numbers', (r) => csvTextCell(r.issueNumbers.join(';'))],
];

export const ISSUANCE_LOG_CSV_HEADER = `\uFEFF${columns.map(([name]) => name).join(',')}\r\n`;

export function issuanceLogCsvLine(row: IssuanceLogRow): string {
  return `${columns.map(([, cell]) => cell(row)).join(',')}\r\n`;
}

/** The header, then one chunk per page of `pageSize` rows; `onRows` hears each page's count. */
export async function* issuanceLogCsv(
  db: Kysely<Database>,
  filter: ResolvedFilter,
  options: { pageSize?: number; onRows?: (count: number) => void } = {},
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? 1000;
  yield ISSUANCE_LOG_CSV_HEADER;
  let after: Keyset | undefined;
  for (;;) {
    const page = await searchPage(db, filter, { limit: pageSize, ...(after ? { after } : {}) });
    if (page.rows.length > 0) yield page.rows.map(issuanceLogCsvLine).join('');
    options.onRows?.(page.rows.length);
    if (!page.next) return;
    after = page.next;
  }
}
