/**
 * What the console and the import API refuse in CSV text before it is parsed as data:
 *
 * - Not UTF-8. Browsers and the API hand over text; a Shift_JIS file read as UTF-8 arrives with
 *   U+FFFD replacement characters (or, read as Latin-1, C1 control characters), which would be
 *   stored as names and addresses. A UTF-8 BOM is fine: the parser strips it.
 * - A formula (CSV injection): a cell starting with = + @, a tab or a carriage return is run by a
 *   spreadsheet that opens an exported file. A cell starting with - is refused too, except a plain
 *   number (a negative amount, `-1200` or `-0.5`), which a spreadsheet reads as that number and no
 *   field of ours needs otherwise (dates are YYYY-MM-DD, codes and ids never start with -).
 *
 * Each issue names the file, the row (line) and, for a formula, the column.
 */
import { CsvSyntaxError, parseCsv } from './csv-parse.js';
import type { ImportIssue } from './paths.js';

const NOT_UTF8 = 'UTF-8 の文字として読めない部分があります。Shift_JIS の場合は UTF-8 で保存し直してください (the file is not UTF-8)';
const FORMULA = '数式として扱われる文字 (= + - @) で始まるセルは取り込めません (a cell starting with a formula character)';

const isFormula = (cell: string) => /^[=+@\t\r]/.test(cell) || (cell.startsWith('-') && !/^-\d+(\.\d+)?$/.test(cell));

function encodingIssue(file: string, text: string): ImportIssue | null {
  const bad = /[\uFFFD\u0080-\u009F]/.exec(text);
  if (!bad) return null;
  const line = text.slice(0, bad.index).split('\n').length;
  return { path: `${file}:${line}`, message: NOT_UTF8 };
}

export function csvTextIssues(files: Record<string, string>): ImportIssue[] {
  const issues: ImportIssue[] = [];
  for (const [file, text] of Object.entries(files)) {
    const encoding = encodingIssue(file, text);
    if (encoding) {
      issues.push(encoding);
      continue;
    }
    let records;
    try {
      records = parseCsv(text);
    } catch (error) {
      // The importer reports a syntax error with its row; nothing more to check here.
      if (error instanceof CsvSyntaxError) continue;
      throw error;
    }
    const [header, ...rows] = records;
    const names = header?.cells.map((c) => c.trim()) ?? [];
    for (const row of rows) {
      row.cells.forEach((cell, i) => {
        if (isFormula(cell)) issues.push({ path: `${file}:${row.line}:${names[i] ?? i + 1}`, message: FORMULA });
      });
    }
  }
  return issues;
}
