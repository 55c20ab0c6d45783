/**
 * Billing's CSV files (RFC 4180, CRLF, UTF-8 with a BOM so spreadsheet programs in Japan read it
 * as UTF-8). A text cell a spreadsheet would take as a formula (= + - @, tab, CR at its start) is
 * prefixed with an apostrophe; amounts are written as plain integers, which stay numbers.
 */
export type CsvCell = string | number | null;

function cell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
