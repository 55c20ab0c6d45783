import { describe, expect, it } from 'vitest';
import { importContent } from './import-files.js';

const file = (name: string, text: string | Uint8Array) => ({
  name,
  bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text,
});

describe('importContent', () => {
  it('sends CSV files by name, as UTF-8 text', () => {
    expect(importContent([file('residents.csv', 'id,name\nr1,山田\n'), file('seals.csv', 'id\n')])).toEqual({
      format: 'csv',
      files: { 'residents.csv': 'id,name\nr1,山田\n', 'seals.csv': 'id\n' },
    });
  });

  it('keeps a byte-order mark, so the center reports it', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('id\n')]);
    const content = importContent([file('residents.csv', withBom)]);
    expect(content).toEqual({ format: 'csv', files: { 'residents.csv': '\uFEFFid\n' } });
  });

  it('stops Shift_JIS text before it is sent', () => {
    // 「山田」 in Shift_JIS
    const shiftJis = new Uint8Array([0x8e, 0x52, 0x93, 0x63]);
    expect(importContent([file('residents.csv', shiftJis)])).toEqual({ kind: 'notUtf8', file: 'residents.csv' });
  });

  it('parses one JSON batch and reports one that does not parse', () => {
    expect(importContent([file('batch.json', '{"residents":[]}')])).toEqual({ format: 'json', batch: { residents: [] } });
    expect(importContent([file('batch.json', '{"residents":')])).toEqual({ kind: 'badJson', file: 'batch.json' });
    expect(importContent([file('a.json', '{}'), file('b.json', '{}')])).toEqual({ kind: 'oneJsonFile' });
  });

  it('refuses a mix of formats and a file that is neither', () => {
    expect(importContent([file('a.json', '{}'), file('b.csv', 'x')])).toEqual({ kind: 'mixedFormats' });
    expect(importContent([file('a.xlsx', 'x')])).toEqual({ kind: 'unknownExtension', file: 'a.xlsx' });
    expect(importContent([])).toEqual({ kind: 'noFiles' });
  });
});
