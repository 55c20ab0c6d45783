import { describe, expect, it } from 'vitest';
import { MadoguchiError, MunicipalityPolicy, japanDate, type MunicipalityPolicyInput, type ServiceHours } from '@madoguchi/shared';
import {
  feeStates,
  hoursProblems,
  outageState,
  withHours,
  withOfferings,
  withOutage,
  withOutageEnded,
  withoutScheduledFee,
  withScheduledFee,
} from './policy-edits.js';

const weekdays = [1, 2, 3, 4, 5];
const policyInput: MunicipalityPolicyInput = {
  municipalityCode: '141003',
  offerings: [
    {
      certificateType: 'residenceRecord',
      enabled: true,
      fees: [
        { effectiveFrom: '2020-04-01', feeYen: 300 },
        { effectiveFrom: '2026-12-01', feeYen: 250 },
      ],
      hours: [{ weekdays, from: '06:30', to: '23:00' }],
      allowMyNumber: false,
    },
    {
      certificateType: 'sealCertificate',
      enabled: true,
      fees: [{ effectiveFrom: '2020-04-01', feeYen: 300 }],
      hours: [{ weekdays, from: '06:30', to: '23:00' }],
    },
  ],
  outages: [],
  officialSealPng: 'iVBORw0KGgo=',
  fixedTexts: {},
};
const policy: MunicipalityPolicy = MunicipalityPolicy.parse(policyInput);

/** The MadoguchiError `run` throws (the test fails if it throws nothing or something else). */
function refusal(run: () => unknown): MadoguchiError {
  try {
    run();
  } catch (error) {
    if (error instanceof MadoguchiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const feesOf = (p: MunicipalityPolicy, type = 'residenceRecord') => p.offerings.find((o) => o.certificateType === type)!.fees;

// 2026-11-24 23:59:59 JST is 14:59:59 UTC; a second later it is 2026-11-25 in Japan but still the 24th in UTC.
const lastSecondOf24th = new Date('2026-11-24T14:59:59Z');
const midnightOf25th = new Date('2026-11-24T15:00:00Z');

describe('fee schedule: changes take effect after today in Japan', () => {
  it('schedules a change for tomorrow at 23:59 JST, and refuses the same date at 00:00 JST, when it would be today', () => {
    const change = { certificateType: 'residenceRecord' as const, effectiveFrom: '2026-11-25', feeYen: 280 };
    const edit = withScheduledFee(policy, change, japanDate(lastSecondOf24th));
    expect(feesOf(edit.policy)).toEqual([
      { effectiveFrom: '2020-04-01', feeYen: 300 },
      { effectiveFrom: '2026-11-25', feeYen: 280 },
      { effectiveFrom: '2026-12-01', feeYen: 250 },
    ]);
    expect(edit.before).toEqual({ certificateType: 'residenceRecord', fees: feesOf(policy) });
    expect(edit.after).toEqual({ certificateType: 'residenceRecord', fees: feesOf(edit.policy) });

    const late = refusal(() => withScheduledFee(policy, change, japanDate(midnightOf25th)));
    expect([late.code, late.issues?.[0]?.path]).toEqual(['INPUT_INVALID', 'effectiveFrom']);
  });

  it('refuses a change dated today or earlier', () => {
    for (const effectiveFrom of ['2026-11-24', '2026-11-01', '2019-01-01']) {
      const error = refusal(() =>
        withScheduledFee(policy, { certificateType: 'residenceRecord', effectiveFrom, feeYen: 280 }, '2026-11-24'),
      );
      expect(error.code).toBe('INPUT_INVALID');
    }
  });

  it('a second change for the same day replaces the first; the other type is untouched', () => {
    const edit = withScheduledFee(policy, { certificateType: 'residenceRecord', effectiveFrom: '2026-12-01', feeYen: 200 }, '2026-11-24');
    expect(feesOf(edit.policy)).toEqual([
      { effectiveFrom: '2020-04-01', feeYen: 300 },
      { effectiveFrom: '2026-12-01', feeYen: 200 },
    ]);
    expect(feesOf(edit.policy, 'sealCertificate')).toEqual(feesOf(policy, 'sealCertificate'));
  });

  it('refuses a type the municipality has not configured', () => {
    const error = refusal(() =>
      withScheduledFee(policy, { certificateType: 'familyRegisterFull', effectiveFrom: '2026-12-10', feeYen: 450 }, '2026-11-24'),
    );
    expect([error.code, error.issues?.[0]?.path]).toEqual(['INPUT_INVALID', 'certificateType']);
  });

  it('cancels a scheduled change until its day begins in Japan, and never one in force or past', () => {
    const scheduled = withScheduledFee(
      policy,
      { certificateType: 'residenceRecord', effectiveFrom: '2026-11-25', feeYen: 280 },
      '2026-11-23',
    );
    const change = { certificateType: 'residenceRecord' as const, effectiveFrom: '2026-11-25' };
    expect(feesOf(withoutScheduledFee(scheduled.policy, change, japanDate(lastSecondOf24th)).policy)).toEqual(feesOf(policy));
    expect(refusal(() => withoutScheduledFee(scheduled.policy, change, japanDate(midnightOf25th))).code).toBe('FEE_CHANGE_NOT_CANCELLABLE');
    const past = { certificateType: 'residenceRecord' as const, effectiveFrom: '2020-04-01' };
    expect(refusal(() => withoutScheduledFee(policy, past, '2026-11-24')).code).toBe('FEE_CHANGE_NOT_CANCELLABLE');
    const unknown = { certificateType: 'residenceRecord' as const, effectiveFrom: '2026-12-02' };
    expect(refusal(() => withoutScheduledFee(policy, unknown, '2026-11-24')).code).toBe('NOT_FOUND');
  });

  it('names the fee in force, those it replaced and those to come', () => {
    const fees = [
      { effectiveFrom: '2026-12-01', feeYen: 250 },
      { effectiveFrom: '2020-04-01', feeYen: 300 },
      { effectiveFrom: '2024-04-01', feeYen: 350 },
    ] as MunicipalityPolicy['offerings'][number]['fees'];
    expect(feeStates(fees, '2026-11-30').map((f) => [f.effectiveFrom, f.state])).toEqual([
      ['2020-04-01', 'past'],
      ['2024-04-01', 'inForce'],
      ['2026-12-01', 'scheduled'],
    ]);
    expect(feeStates(fees, '2026-12-01').map((f) => f.state)).toEqual(['past', 'past', 'inForce']);
  });
});

const range = (from: string, to: string, days = [1]): ServiceHours => ({ weekdays: days, from, to, closedOnHolidays: false });

describe('service hours', () => {
  it('allows ranges that touch end to start, and 24:00 as an end', () => {
    expect(hoursProblems([range('06:30', '12:00'), range('12:00', '24:00')])).toEqual([]);
    expect(hoursProblems([range('00:00', '24:00', [0, 6]), range('09:00', '17:00', [1, 2])])).toEqual([]);
  });

  it('refuses overlapping ranges on a shared weekday, naming both', () => {
    const problems = hoursProblems([range('09:00', '17:00', [1, 2]), range('16:59', '20:00', [2, 3])]);
    expect(problems).toEqual([{ path: 'hours[1]', message: expect.stringContaining('火 09:00–17:00 と 火 16:59–20:00') }]);
    expect(hoursProblems([range('09:00', '17:00'), range('10:00', '11:00')])).toHaveLength(1);
  });

  it('refuses a range that does not end after it starts', () => {
    expect(hoursProblems([range('09:00', '09:00')]).map((p) => p.path)).toEqual(['hours[0].to']);
    expect(hoursProblems([range('18:00', '09:00')]).map((p) => p.path)).toEqual(['hours[0].to']);
  });

  it('refuses a time after 24:00, which the clock pattern lets through', () => {
    expect(hoursProblems([range('22:00', '24:30')]).map((p) => p.path)).toEqual(['hours[0].to']);
    expect(hoursProblems([range('24:10', '24:20')]).map((p) => p.path)).toContain('hours[0].from');
  });

  it('saves an offering’s hours with before and after, refuses none at all, and lets 本籍地 registration have none', () => {
    const hours = [range('08:30', '19:00', weekdays)];
    const edit = withHours(policy, 'sealCertificate', hours);
    expect(edit.policy.offerings[1]!.hours).toEqual(hours);
    expect(edit.before).toEqual({ target: 'sealCertificate', hours: policy.offerings[1]!.hours });
    expect(refusal(() => withHours(policy, 'sealCertificate', [])).issues?.[0]?.path).toBe('hours');
    expect(withHours(policy, 'domicileRegistration', []).policy.domicileRegistrationHours).toEqual([]);
    const overlap = refusal(() => withHours(policy, 'sealCertificate', [range('09:00', '17:00'), range('16:00', '18:00')]));
    expect(overlap.code).toBe('INPUT_INVALID');
  });
});

describe('offerings', () => {
  it('switches a type off and its options, keeping its fees and hours', () => {
    const settings = {
      certificateType: 'residenceRecord' as const,
      enabled: false,
      allowMyNumber: true,
      allowDomicile: false,
      maxCopies: 3,
      taxYears: [],
    };
    const edit = withOfferings(policy, [settings]);
    expect(edit.policy.offerings[0]).toEqual({ ...policy.offerings[0], ...settings });
    expect(edit.policy.offerings[1]).toBe(policy.offerings[1]);
    expect(edit.after).toContainEqual(settings);
  });

  it('refuses a type listed twice, or one never configured', () => {
    const on = {
      certificateType: 'sealCertificate' as const,
      enabled: true,
      allowMyNumber: false,
      allowDomicile: true,
      maxCopies: 10,
      taxYears: [],
    };
    const twice = refusal(() => withOfferings(policy, [on, { ...on, enabled: false }]));
    expect([twice.code, twice.issues?.[0]?.path]).toEqual(['INPUT_INVALID', 'offerings[1].certificateType']);
    const unknown = refusal(() => withOfferings(policy, [{ ...on, certificateType: 'taxCertificate' }]));
    expect(unknown.issues?.[0]?.path).toBe('offerings[0].certificateType');
  });
});

describe('outages', () => {
  const now = new Date('2026-11-24T03:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const HOUR = 3600_000;
  const declare = (from: string, until: string) =>
    withOutage(policy, { from, until, certificateTypes: null, reason: '保守' }, 'out_1', now);

  it('refuses an outage that is over (or ends now) and one that ends before it starts', () => {
    expect(refusal(() => declare(at(-2 * HOUR), at(-HOUR))).issues?.[0]?.path).toBe('until');
    expect(refusal(() => declare(at(-HOUR), at(0))).issues?.[0]?.path).toBe('until');
    expect(refusal(() => declare(at(2 * HOUR), at(HOUR))).issues?.[0]?.path).toBe('until');
  });

  it('declares one begun in the past that has not ended (in progress at once), and one to come', () => {
    const inProgress = declare(at(-HOUR), at(HOUR));
    expect(inProgress.result).toEqual({ outageId: 'out_1', from: at(-HOUR), until: at(HOUR), reason: '保守' });
    expect(outageState(inProgress.result!, now)).toBe('inProgress');
    expect(inProgress.policy.outages).toEqual([inProgress.result]);
    const typed = withOutage(
      policy,
      { from: at(HOUR), until: at(2 * HOUR), certificateTypes: ['sealCertificate'], reason: '点検' },
      'out_2',
      now,
    );
    expect(typed.result).toMatchObject({ certificateTypes: ['sealCertificate'] });
    expect(outageState(typed.result!, now)).toBe('scheduled');
  });

  it('is in progress from its first instant and ended at its last', () => {
    const outage = { from: at(0), until: at(HOUR) };
    expect(outageState(outage, new Date(now.getTime() - 1))).toBe('scheduled');
    expect(outageState(outage, now)).toBe('inProgress');
    expect(outageState(outage, new Date(now.getTime() + HOUR))).toBe('ended');
  });

  it('ends one in progress now, removes one not begun, and refuses one ended or unknown', () => {
    const inProgress = declare(at(-HOUR), at(HOUR));
    const ended = withOutageEnded(inProgress.policy, 'out_1', now);
    expect(ended.result).toMatchObject({ outageId: 'out_1', until: now.toISOString() });
    expect(ended.before).toEqual(inProgress.result);

    const scheduled = declare(at(HOUR), at(2 * HOUR));
    const removed = withOutageEnded(scheduled.policy, 'out_1', now);
    expect([removed.policy.outages, removed.after]).toEqual([[], null]);

    expect(refusal(() => withOutageEnded(ended.policy, 'out_1', new Date(now.getTime() + 1))).code).toBe('CONFLICT');
    expect(refusal(() => withOutageEnded(inProgress.policy, 'out_other', now)).code).toBe('NOT_FOUND');
  });
});
