import { describe, expect, it } from 'vitest';
import { billingFileBlob, downloadName, saveBillingFile, type SaveDeps } from './billing-file.js';

const csv = '月,市区町村,差引額\n2026-11,131016,12345\n';
const file = {
  fileName: 'statement-131016-2026-11.csv',
  contentType: 'text/csv; charset=utf-8',
  contentBase64: Buffer.from(csv, 'utf8').toString('base64'),
  sha256: 'not-checked-here',
};

describe('billing files', () => {
  it('turns the base64 answer back into the same bytes and type', async () => {
    const blob = billingFileBlob(file);
    expect(blob.type).toBe('text/csv; charset=utf-8');
    expect(await blob.text()).toBe(csv);
  });

  it('keeps binary bytes intact (a PDF is not text)', async () => {
    const bytes = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x80, 0x0a]);
    const blob = billingFileBlob({ ...file, contentType: 'application/pdf', contentBase64: Buffer.from(bytes).toString('base64') });
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('offers only a plain file name, never a folder or a control character', () => {
    expect(downloadName('statement-131016-2026-11.pdf', 'x.pdf')).toBe('statement-131016-2026-11.pdf');
    expect(downloadName('../../etc/passwd', 'x.pdf')).toBe('passwd');
    expect(downloadName('a\\b\\c.csv', 'x.csv')).toBe('c.csv');
    expect(downloadName('evil\u0000name\n.csv', 'x.csv')).toBe('evilname.csv');
    expect(downloadName('..', 'x.csv')).toBe('x.csv');
    expect(downloadName('', 'x.csv')).toBe('x.csv');
  });

  it('saves through a blob URL and revokes it only later, even when the click fails', () => {
    const calls: string[] = [];
    let pending: (() => void) | null = null;
    const deps: SaveDeps = {
      createObjectURL: () => 'blob:test/1',
      revokeObjectURL: (url) => calls.push(`revoke ${url}`),
      click: (url, name) => calls.push(`click ${url} ${name}`),
      later: (run) => {
        pending = run;
      },
    };
    saveBillingFile(file, 'fallback.csv', deps);
    expect(calls).toEqual(['click blob:test/1 statement-131016-2026-11.csv']);
    (pending as unknown as () => void)();
    expect(calls).toEqual(['click blob:test/1 statement-131016-2026-11.csv', 'revoke blob:test/1']);

    calls.length = 0;
    const failing = {
      ...deps,
      click: () => {
        throw new Error('no document');
      },
    };
    expect(() => saveBillingFile(file, 'fallback.csv', failing)).toThrow('no document');
    (pending as unknown as () => void)();
    expect(calls).toEqual(['revoke blob:test/1']);
  });
});
