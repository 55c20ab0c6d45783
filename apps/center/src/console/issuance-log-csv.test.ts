import { describe, expect, it } from 'vitest';
import { csvTextCell, japanDateTime } from './issuance-log-csv.js';
import { decodeCursor, encodeCursor, periodEnd, periodStart } from './issuance-log-query.js';

describe('issuance log CSV cells', () => {
  it('gives every cell a spreadsheet would run as a formula a leading apostrophe', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvTextCell(`${start}SUM(A1)`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvTextCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvTextCell('ローソン 千代田店')).toBe('ローソン 千代田店');
    expect(csvTextCell('a,b')).toBe('"a,b"');
    expect(csvTextCell(null)).toBe('');
  });

  it('writes Japan time', () => {
    expect(japanDateTime('2027-03-31T14:59:59.000Z')).toBe('2027-03-31 23:59:59');
  });
});

describe('issuance log periods and cursors', () => {
  it('reads a Japan date as its whole day in Japan and an instant as it is', () => {
    expect(periodStart('2027-04-01')).toBe('2027-03-31T15:00:00.000Z');
    expect(periodEnd('2027-03-31')).toBe('2027-03-31T15:00:00.000Z');
    expect(periodStart('2027-04-01T09:00:00+09:00')).toBe('2027-04-01T00:00:00.000Z');
    expect(periodEnd('2027-04-01T00:00:00Z')).toBe('2027-04-01T00:00:00.000Z');
  });

  it('round-trips a cursor and refuses anything else', () => {
    const keyset = { createdAt: '2026-11-24T03:00:00.000Z', issuanceId: '6f1d3c1e-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(keyset))).toEqual(keyset);
    expect(() => decodeCursor('bm9wZQ')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('["2026-11-24","x y"]').toString('base64url'))).toThrow(/cursor/);
  });
});
