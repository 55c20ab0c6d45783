/**
 * When a municipality's certificate type or kiosk function is available: the 12/29–1/3 closure,
 * declared outages, and service hours per type and function (Japan time, holidays as data). Pure
 * functions of the policy and an instant, so the rules are tested without a clock or a database.
 */
import {
  compareIsoDate,
  isYearEndClosure,
  japanClock,
  type CertificateType,
  type IsoDate,
  type KioskFunction,
  type MunicipalityPolicy,
  type Offering,
  type ServiceHours,
  type Yen,
} from '@madoguchi/shared';

export type AvailabilityRefusal = 'ELIGIBILITY_YEAR_END_CLOSURE' | 'ELIGIBILITY_OUTAGE' | 'ELIGIBILITY_OUTSIDE_HOURS';

export { isYearEndClosure };

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function withinHours(hours: readonly ServiceHours[], instant: Date, holidays: ReadonlySet<IsoDate>): boolean {
  const { date, minutes, weekday } = japanClock(instant);
  return hours.some(
    (h) =>
      h.weekdays.includes(weekday) &&
      minutes >= minutesOf(h.from) &&
      minutes < minutesOf(h.to) &&
      !(h.closedOnHolidays && holidays.has(date)),
  );
}

/**
 * The declared outage in force at `instant` for this type/function, if any. An outage limited to
 * certificate types applies only to a request for one of them: a request without a type (本籍地
 * registration) is outside its scope, so a 印鑑 outage does not stop registrations.
 */
export function outageAt(policy: MunicipalityPolicy, instant: Date, fn: KioskFunction, type?: CertificateType) {
  const t = instant.getTime();
  return policy.outages.find(
    (o) =>
      Date.parse(o.from) <= t &&
      t < Date.parse(o.until) &&
      (o.functions === undefined || o.functions.includes(fn)) &&
      (o.certificateTypes === undefined || (type !== undefined && o.certificateTypes.includes(type))),
  );
}

/**
 * Why `fn` (for `type`, when issuing) is unavailable at `instant`, or null. The closure is checked
 * first (it is the most specific message), then outages, then hours.
 */
export function availabilityRefusal(args: {
  policy: MunicipalityPolicy;
  fn: KioskFunction;
  hours: readonly ServiceHours[];
  type?: CertificateType;
  instant: Date;
  holidays: ReadonlySet<IsoDate>;
}): AvailabilityRefusal | null {
  const { date } = japanClock(args.instant);
  if (args.policy.yearEndClosure && isYearEndClosure(date)) return 'ELIGIBILITY_YEAR_END_CLOSURE';
  if (outageAt(args.policy, args.instant, args.fn, args.type)) return 'ELIGIBILITY_OUTAGE';
  if (!withinHours(args.hours, args.instant, args.holidays)) return 'ELIGIBILITY_OUTSIDE_HOURS';
  return null;
}

/** The enabled offering of a type, or null. */
export function offeringOf(policy: MunicipalityPolicy, type: CertificateType): Offering | null {
  return policy.offerings.find((o) => o.certificateType === type && o.enabled) ?? null;
}

/** The fee in force on `on` (the latest schedule entry that has taken effect), or null before the first. */
export function feeInForce(offering: Pick<Offering, 'fees'>, on: IsoDate): Yen | null {
  let fee: Yen | null = null;
  let from = '';
  for (const entry of offering.fees) {
    if (compareIsoDate(entry.effectiveFrom, on) <= 0 && entry.effectiveFrom >= from) {
      fee = entry.feeYen;
      from = entry.effectiveFrom;
    }
  }
  return fee;
}
