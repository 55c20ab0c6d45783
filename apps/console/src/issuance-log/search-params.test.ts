import { describe, expect, it } from 'vitest';
import { exportHref, filterFromParams, withoutEmpty } from './search-params.js';

describe('issuance log filters in the URL', () => {
  it('keeps the filters that pass the shared schema and drops the rest', () => {
    const params = new URLSearchParams({
      municipalityCode: '131016',
      from: '2026-11-01',
      to: 'yesterday',
      certificateType: 'passport',
      state: 'printed',
      unknown: 'x',
    });
    expect(filterFromParams(params)).toEqual({ municipalityCode: '131016', from: '2026-11-01', state: 'printed' });
  });

  it('treats empty boxes and `all` as no filter', () => {
    expect(withoutEmpty({ storeCode: '  ', certificateType: 'all', terminalId: ' T0001 ' })).toEqual({ terminalId: 'T0001' });
  });

  it('exports the same search from the console API', () => {
    expect(exportHref({ municipalityCode: '131016', to: '2026-11-30' })).toBe(
      '/console/api/v1/issuances/export?municipalityCode=131016&to=2026-11-30',
    );
    expect(exportHref({})).toBe('/console/api/v1/issuances/export');
  });
});
