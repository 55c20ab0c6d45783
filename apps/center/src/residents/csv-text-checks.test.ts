import { describe, expect, it } from 'vitest';
import { csvTextIssues } from './csv-text-checks.js';

const header = 'code,name,population';
/** One municipalities.csv with `cell` as the name of its second data row (line 3). */
const withName = (cell: string) => ({ 'municipalities.csv': `${header}\n141003,横浜市,100\n141003,${cell},100\n` });
const pathsOf = (files: Record<string, string>) => csvTextIssues(files).map((i) => i.path);

describe('CSV text checks before import', () => {
  it('refuses a cell starting with each formula character, naming file, row and column', () => {
    for (const cell of ['=1+2', '+81', '@SUM(A1)', '-A', '-', '"=HYPERLINK(""http://x"")"', '\t=1', '"\r=1"']) {
      const issues = csvTextIssues(withName(cell));
      expect(issues, JSON.stringify(cell)).toEqual([{ path: 'municipalities.csv:3:name', message: expect.stringContaining('数式') }]);
    }
  });

  it('accepts a plain negative number, and a formula character inside a cell', () => {
    for (const cell of ['-1200', '-0.5', '横浜市=中区', 'a+b', 'info@example.jp', '']) expect(pathsOf(withName(cell)), cell).toEqual([]);
  });

  it('names the column of the header, also behind a UTF-8 BOM, and does not check the header itself', () => {
    const files = { 'municipalities.csv': `\uFEFF${header}\n=cmd,横浜市,100\n` };
    expect(pathsOf(files)).toEqual(['municipalities.csv:2:code']);
    expect(pathsOf({ 'municipalities.csv': `\uFEFF${header}\n141003,横浜市,100\n` })).toEqual([]);
  });

  it('counts rows by lines: a quoted cell over two lines moves the next row down', () => {
    const files = { 'municipalities.csv': `${header}\n141003,"横浜\n市",100\n141003,=1,100\n` };
    expect(pathsOf(files)).toEqual(['municipalities.csv:4:name']);
  });

  it('refuses text that is not UTF-8 (replacement characters, C1 controls) with its line, per file', () => {
    const shiftJisAsUtf8 = Buffer.from([0x89, 0xa1, 0x95, 0x6c]).toString('utf8');
    expect(shiftJisAsUtf8).toContain('\uFFFD');
    const issues = csvTextIssues({ ...withName(shiftJisAsUtf8), 'households.csv': 'householdId\nh1\n' });
    expect(issues).toEqual([{ path: 'municipalities.csv:3', message: expect.stringContaining('Shift_JIS') }]);
    const latin1 = Buffer.from([0x89, 0xa1]).toString('latin1');
    expect(pathsOf(withName(latin1))).toEqual(['municipalities.csv:3']);
  });

  it('leaves a syntax error to the importer, which reports it with its row', () => {
    expect(csvTextIssues({ 'municipalities.csv': `${header}\n141003,"open,100\n` })).toEqual([]);
  });
});
