import { describe, expect, it } from 'vitest';
import { certificateTypes } from '../domain/certificate-type.js';
import { japanClock } from '../domain/dates.js';
import { generateDemoData } from './generate.js';
import { dayWeight, demoHistoryKiosks, demoHistoryPeriod, planDemoHistory, type PlannedVisit } from './history-plan.js';

const demo = generateDemoData();
const holidays = demo.holidays.map((h) => h.date);
const input = {
  from: '2026-07-01',
  until: '2026-12-07',
  holidays,
  residents: demo.batch.residents.map((r) => ({ residentId: r.residentId, municipalityCode: r.municipalityCode })),
  taxYears: [2025, 2026],
};
const plan = planDemoHistory(input);
const dayOf = (visit: PlannedVisit) => japanClock(new Date(visit.at)).date;
const visitsOn = (date: string) => plan.filter((v) => dayOf(v) === date).length;

describe('demoHistoryPeriod', () => {
  it('starts on the first of the month five months back and ends the day before today, across a year', () => {
    expect(demoHistoryPeriod('2026-12-08')).toEqual({ from: '2026-07-01', until: '2026-12-07' });
    expect(demoHistoryPeriod('2027-03-01', 4)).toEqual({ from: '2026-11-01', until: '2027-02-28' });
  });
});

describe('planDemoHistory', () => {
  it('is the same plan for the same period and seed, and another for another seed', () => {
    expect(planDemoHistory(input)).toEqual(plan);
    expect(planDemoHistory({ ...input, seed: 7 })).not.toEqual(plan);
  });

  it('has a few thousand visits, in time order, inside the period and the stores’ hours (06:30–23:00 Japan time)', () => {
    expect(plan.length).toBeGreaterThan(1500);
    expect(plan.map((v) => v.at)).toEqual([...plan.map((v) => v.at)].sort());
    for (const visit of plan) {
      const { date, minutes } = japanClock(new Date(visit.at));
      expect(date >= input.from && date <= input.until, visit.at).toBe(true);
      expect(minutes >= 6 * 60 + 30 && minutes < 23 * 60, visit.at).toBe(true);
    }
  });

  it('uses every kiosk and asks for every certificate type, with every ending', () => {
    expect(new Set(plan.map((v) => v.terminalId))).toEqual(new Set(demoHistoryKiosks.map((k) => k.terminalId)));
    const requests = plan.flatMap((v) => v.requests);
    expect(new Set(requests.map((r) => r.certificateType))).toEqual(new Set(certificateTypes));
    expect(new Set(requests.map((r) => r.ending))).toEqual(
      new Set([
        'printed',
        'printFailed',
        'rejectedAtLastHop',
        'printResultMissing',
        'walkedAway',
        'cancelledAfterPayment',
        'paidAfterClosing',
      ]),
    );
    // Nearly everything prints: failures are the exception, as at a real fleet.
    expect(requests.filter((r) => r.ending === 'printed').length / requests.length).toBeGreaterThan(0.85);
  });

  it('is busy around the turn of a month and quiet on Sundays and late at night', () => {
    const weekdays = ['2026-09-15', '2026-09-16', '2026-09-17', '2026-10-14', '2026-10-15', '2026-10-16'];
    const monthTurn = ['2026-09-30', '2026-10-01', '2026-10-02', '2026-10-30', '2026-11-02', '2026-12-01'];
    const sundays = ['2026-09-13', '2026-09-20', '2026-10-18', '2026-10-25', '2026-11-15', '2026-11-22'];
    const total = (days: string[]) => days.reduce((n, d) => n + visitsOn(d), 0);
    expect(total(monthTurn)).toBeGreaterThan(1.5 * total(weekdays));
    expect(total(sundays)).toBeLessThan(0.7 * total(weekdays));
    expect(dayWeight('2026-11-03', holidays)).toBeLessThan(dayWeight('2026-11-04', holidays)); // 文化の日
    const minutes = plan.map((v) => japanClock(new Date(v.at)).minutes);
    const lunch = minutes.filter((m) => m >= 12 * 60 && m < 13 * 60).length;
    const lateNight = minutes.filter((m) => m >= 21 * 60 + 30 && m < 22 * 60 + 30).length;
    expect(lunch).toBeGreaterThan(4 * lateNight);
  });

  it('plans nobody on the year-end closure (29 December – 3 January)', () => {
    const winter = planDemoHistory({ ...input, from: '2026-12-20', until: '2027-01-10' });
    const days = new Set(winter.map(dayOf));
    for (const closed of ['2026-12-29', '2026-12-31', '2027-01-01', '2027-01-03']) expect(days.has(closed)).toBe(false);
    expect(days.has('2027-01-05')).toBe(true);
  });
});
