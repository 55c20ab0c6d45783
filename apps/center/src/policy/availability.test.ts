import { describe, expect, it } from 'vitest';
import { MunicipalityPolicy, type MunicipalityPolicyInput } from '@madoguchi/shared';
import { availabilityRefusal, feeInForce, isYearEndClosure, outageAt, withinHours } from './availability.js';

const at = (date: string, time: string) => new Date(`${date}T${time}:00+09:00`);
const everyDay = [{ weekdays: [0, 1, 2, 3, 4, 5, 6], from: '06:30', to: '23:00', closedOnHolidays: false }];
const office = [{ weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', closedOnHolidays: true }];
const policy = (extra: Partial<MunicipalityPolicyInput> = {}) =>
  MunicipalityPolicy.parse({ municipalityCode: '131016', offerings: [], officialSealPng: 'iVBOR', fixedTexts: {}, ...extra });

describe('fee in force', () => {
  const fees = [
    { effectiveFrom: '2020-04-01', feeYen: 300 },
    { effectiveFrom: '2026-12-01', feeYen: 250 },
  ] as never;
  it('is the latest entry that has taken effect on the day', () => {
    expect(feeInForce({ fees }, '2026-11-30')).toBe(300);
    expect(feeInForce({ fees }, '2026-12-01')).toBe(250);
    expect(feeInForce({ fees }, '2030-01-01')).toBe(250);
  });
  it('is null before the first entry (not offered yet)', () => {
    expect(feeInForce({ fees }, '2020-03-31')).toBeNull();
  });
  it('does not depend on the order the entries were listed in', () => {
    expect(feeInForce({ fees: [...(fees as unknown as unknown[])].reverse() as never }, '2026-12-05')).toBe(250);
  });
});

describe('year-end closure', () => {
  it('covers 29 December to 3 January inclusive', () => {
    expect(['2026-12-29', '2026-12-31', '2027-01-01', '2027-01-03'].map(isYearEndClosure)).toEqual([true, true, true, true]);
    expect(['2026-12-28', '2027-01-04', '2026-06-15'].map(isYearEndClosure)).toEqual([false, false, false]);
  });
  it('uses the Japan date: 15:00 UTC on 28 December is already the 29th in Japan', () => {
    expect(
      availabilityRefusal({
        policy: policy(),
        fn: 'issuance',
        hours: everyDay,
        instant: new Date('2026-12-28T15:30:00Z'),
        holidays: new Set(),
      }),
    ).toBe('ELIGIBILITY_YEAR_END_CLOSURE');
  });
});

describe('hours', () => {
  it('are half-open [from, to) in Japan time', () => {
    expect(withinHours(everyDay, at('2026-11-02', '06:29'), new Set())).toBe(false);
    expect(withinHours(everyDay, at('2026-11-02', '06:30'), new Set())).toBe(true);
    expect(withinHours(everyDay, at('2026-11-02', '22:59'), new Set())).toBe(true);
    expect(withinHours(everyDay, at('2026-11-02', '23:00'), new Set())).toBe(false);
  });
  it('follow the weekdays and holidays of each entry', () => {
    expect(withinHours(office, at('2026-11-02', '10:00'), new Set())).toBe(true); // Monday
    expect(withinHours(office, at('2026-11-01', '10:00'), new Set())).toBe(false); // Sunday
    expect(withinHours(office, at('2026-11-03', '10:00'), new Set(['2026-11-03']))).toBe(false);
    expect(withinHours(everyDay, at('2026-11-03', '10:00'), new Set(['2026-11-03']))).toBe(true);
  });
});

describe('outages', () => {
  const outages = [
    { outageId: 'all', from: '2027-01-16T06:30:00+09:00', until: '2027-01-17T23:00:00+09:00', reason: 'migration' },
    {
      outageId: 'seal',
      from: '2027-02-01T00:00:00+09:00',
      until: '2027-02-02T00:00:00+09:00',
      certificateTypes: ['sealCertificate' as const],
      reason: 'seal system',
    },
    {
      outageId: 'dom',
      from: '2027-03-01T00:00:00+09:00',
      until: '2027-03-02T00:00:00+09:00',
      functions: ['domicileRegistration' as const],
      reason: 'register system',
    },
  ];
  const p = policy({ outages });
  it('apply inside [from, until) only', () => {
    expect(outageAt(p, at('2027-01-16', '06:29'), 'issuance', 'residenceRecord')).toBeUndefined();
    expect(outageAt(p, at('2027-01-16', '06:30'), 'issuance', 'residenceRecord')?.outageId).toBe('all');
    expect(outageAt(p, at('2027-01-17', '23:00'), 'issuance', 'residenceRecord')).toBeUndefined();
  });
  it('apply per certificate type and per function', () => {
    expect(
      availabilityRefusal({
        policy: p,
        fn: 'issuance',
        hours: everyDay,
        type: 'sealCertificate',
        instant: at('2027-02-01', '10:00'),
        holidays: new Set(),
      }),
    ).toBe('ELIGIBILITY_OUTAGE');
    expect(
      availabilityRefusal({
        policy: p,
        fn: 'issuance',
        hours: everyDay,
        type: 'residenceRecord',
        instant: at('2027-02-01', '10:00'),
        holidays: new Set(),
      }),
    ).toBeNull();
    expect(
      availabilityRefusal({
        policy: p,
        fn: 'domicileRegistration',
        hours: everyDay,
        instant: at('2027-03-01', '10:00'),
        holidays: new Set(),
      }),
    ).toBe('ELIGIBILITY_OUTAGE');
    expect(
      availabilityRefusal({
        policy: p,
        fn: 'issuance',
        hours: everyDay,
        type: 'familyRegisterFull',
        instant: at('2027-03-01', '10:00'),
        holidays: new Set(),
      }),
    ).toBeNull();
  });
  it('limited to certificate types, do not block 本籍地 registration (a request without a type)', () => {
    expect(outageAt(p, at('2027-02-01', '10:00'), 'domicileRegistration')).toBeUndefined();
    expect(
      availabilityRefusal({
        policy: p,
        fn: 'domicileRegistration',
        hours: everyDay,
        instant: at('2027-02-01', '10:00'),
        holidays: new Set(),
      }),
    ).toBeNull();
    // An outage of every type still stops it, and a type-limited one still stops its own types.
    expect(outageAt(p, at('2027-01-16', '10:00'), 'domicileRegistration')?.outageId).toBe('all');
    expect(outageAt(p, at('2027-02-01', '10:00'), 'issuance', 'sealCertificate')?.outageId).toBe('seal');
  });
});
