import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv-parse.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, keeping each record’s first line', () => {
    const records = parseCsv('\uFEFFa,b,c\r\n1,"x, ""y""",z\n2,"line1\nline2",w\n\n3,,\n');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'x, "y"', 'z'] },
      { line: 3, cells: ['2', 'line1\nline2', 'w'] },
      { line: 6, cells: ['3', '', ''] },
    ]);
  });

  it('accepts a last record without a line end', () => {
    expect(parseCsv('a\n1')).toEqual([
      { line: 1, cells: ['a'] },
      { line: 2, cells: ['1'] },
    ]);
  });

  it('reports an unterminated quote and stray quotes with their line', () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvSyntaxError);
    const lineOf = (text: string) => {
      try {
        parseCsv(text);
        return null;
      } catch (e) {
        return (e as CsvSyntaxError).line;
      }
    };
    expect(lineOf('a\nx"y\n')).toBe(2);
    expect(lineOf('a\nb\n"open\nmore')).toBe(3);
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/closing quote/);
  });
});
