/**
 * The console's changes to a municipality's policy, as pure functions: policy (and the Japan date or
 * instant they apply at) in, the changed policy and what the history records (before, after) out.
 * A refused change throws a MadoguchiError naming the field, and the caller saves nothing. The
 * database, the transaction and the history row are policy-changes.ts.
 */
import {
  MadoguchiError,
  compareIsoDate,
  yen,
  type CertificateType,
  type IsoDate,
  type MunicipalityPolicy,
  type Offering,
  type Outage,
  type ServiceHours,
} from '@madoguchi/shared';

/** A change: the new policy and the section's values before and after it, for the history. */
export interface PolicyEdit<R = undefined> {
  policy: MunicipalityPolicy;
  before: unknown;
  after: unknown;
  /** What the route answers besides the overview (e.g. the outage declared). */
  result?: R;
}

export type FeeState = 'past' | 'inForce' | 'scheduled';

/** Each fee schedule entry's state on `today`: the entry in force, those it replaced, those to come. */
export function feeStates(fees: Offering['fees'], today: IsoDate): { effectiveFrom: IsoDate; feeYen: number; state: FeeState }[] {
  const sorted = [...fees].sort((a, b) => compareIsoDate(a.effectiveFrom, b.effectiveFrom));
  const inForce = sorted.filter((f) => compareIsoDate(f.effectiveFrom, today) <= 0).at(-1);
  return sorted.map((f) => ({
    effectiveFrom: f.effectiveFrom,
    feeYen: f.feeYen,
    state: f === inForce ? 'inForce' : compareIsoDate(f.effectiveFrom, today) > 0 ? 'scheduled' : 'past',
  }));
}

const invalid = (path: string, message: string): MadoguchiError =>
  new MadoguchiError('INPUT_INVALID', `${path}: ${message}`, [{ path, message }]);

function offeringIndex(policy: MunicipalityPolicy, type: CertificateType, path: string): number {
  const index = policy.offerings.findIndex((o) => o.certificateType === type);
  if (index < 0) throw invalid(path, 'この証明書はまだ設定されていません (no such offering in this municipality)');
  return index;
}

function replaceOffering(policy: MunicipalityPolicy, index: number, offering: Offering): MunicipalityPolicy {
  return { ...policy, offerings: policy.offerings.map((o, i) => (i === index ? offering : o)) };
}

export interface OfferingSettingsInput {
  certificateType: CertificateType;
  enabled: boolean;
  allowMyNumber: boolean;
  allowDomicile: boolean;
  maxCopies: number;
  taxYears: number[];
}

const settingsOf = (o: Offering): OfferingSettingsInput => ({
  certificateType: o.certificateType,
  enabled: o.enabled,
  allowMyNumber: o.allowMyNumber,
  allowDomicile: o.allowDomicile,
  maxCopies: o.maxCopies,
  taxYears: o.taxYears,
});

/**
 * Which types are offered with which options. Fees and hours are kept (they have their own pages);
 * a type the municipality has never configured has no fee yet, so it cannot be switched on here.
 */
export function withOfferings(policy: MunicipalityPolicy, settings: readonly OfferingSettingsInput[]): PolicyEdit {
  const seen = new Set<CertificateType>();
  let next = policy;
  settings.forEach((s, i) => {
    const path = `offerings[${i}].certificateType`;
    if (seen.has(s.certificateType)) throw invalid(path, '重複しています (duplicate offering)');
    seen.add(s.certificateType);
    const index = offeringIndex(next, s.certificateType, path);
    next = replaceOffering(next, index, { ...next.offerings[index]!, ...s });
  });
  return { policy: next, before: policy.offerings.map(settingsOf), after: next.offerings.map(settingsOf) };
}

/**
 * A fee change from `effectiveFrom` (00:00 Japan time), which must be after today: the fee charged
 * on a day never changes during that day. A second change for the same day replaces the first.
 */
export function withScheduledFee(
  policy: MunicipalityPolicy,
  change: { certificateType: CertificateType; effectiveFrom: IsoDate; feeYen: number },
  today: IsoDate,
): PolicyEdit {
  if (compareIsoDate(change.effectiveFrom, today) <= 0)
    throw invalid('effectiveFrom', `明日以降の日付を指定してください (a date after today, ${today})`);
  const index = offeringIndex(policy, change.certificateType, 'certificateType');
  const offering = policy.offerings[index]!;
  const fees = [
    ...offering.fees.filter((f) => f.effectiveFrom !== change.effectiveFrom),
    { effectiveFrom: change.effectiveFrom, feeYen: yen(change.feeYen) },
  ].sort((a, b) => compareIsoDate(a.effectiveFrom, b.effectiveFrom));
  return {
    policy: replaceOffering(policy, index, { ...offering, fees }),
    before: { certificateType: change.certificateType, fees: offering.fees },
    after: { certificateType: change.certificateType, fees },
  };
}

/** Removes a scheduled fee change; one in force (or past) is history and cannot be cancelled. */
export function withoutScheduledFee(
  policy: MunicipalityPolicy,
  change: { certificateType: CertificateType; effectiveFrom: IsoDate },
  today: IsoDate,
): PolicyEdit {
  const index = offeringIndex(policy, change.certificateType, 'certificateType');
  const offering = policy.offerings[index]!;
  if (!offering.fees.some((f) => f.effectiveFrom === change.effectiveFrom))
    throw new MadoguchiError('NOT_FOUND', `no fee change from ${change.effectiveFrom}`);
  if (compareIsoDate(change.effectiveFrom, today) <= 0)
    throw new MadoguchiError('FEE_CHANGE_NOT_CANCELLABLE', `the fee from ${change.effectiveFrom} is in force or past`);
  const fees = offering.fees.filter((f) => f.effectiveFrom !== change.effectiveFrom);
  return {
    policy: replaceOffering(policy, index, { ...offering, fees }),
    before: { certificateType: change.certificateType, fees: offering.fees },
    after: { certificateType: change.certificateType, fees },
  };
}

const weekdayNames = ['日', '月', '火', '水', '木', '金', '土'];
const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));
const rangeText = (h: ServiceHours, day: number) => `${weekdayNames[day]} ${h.from}–${h.to}`;

const END_OF_DAY = 24 * 60;

/**
 * Each range must end after it starts, no later than 24:00 (the shared clock pattern lets 24:59
 * through, which would stretch a day past midnight), and two ranges on the same weekday must not
 * overlap; ranges that touch (12:00 end, 12:00 start) are fine.
 */
export function hoursProblems(hours: readonly ServiceHours[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  hours.forEach((h, i) => {
    for (const end of ['from', 'to'] as const) {
      if (minutesOf(h[end]) > END_OF_DAY)
        problems.push({ path: `hours[${i}].${end}`, message: `24:00 までの時刻にしてください (${h[end]}: at most 24:00)` });
    }
    if (minutesOf(h.from) >= minutesOf(h.to))
      problems.push({ path: `hours[${i}].to`, message: `終了は開始より後にしてください (${h.from}–${h.to}: "to" must be after "from")` });
  });
  for (let i = 0; i < hours.length; i++) {
    for (let j = i + 1; j < hours.length; j++) {
      const a = hours[i]!;
      const b = hours[j]!;
      const day = a.weekdays.find((d) => b.weekdays.includes(d));
      if (day === undefined) continue;
      if (minutesOf(a.from) < minutesOf(b.to) && minutesOf(b.from) < minutesOf(a.to)) {
        problems.push({
          path: `hours[${j}]`,
          message: `${rangeText(a, day)} と ${rangeText(b, day)} が重なっています (hours[${i}] and hours[${j}] overlap)`,
        });
      }
    }
  }
  return problems;
}

/** The service hours of one certificate type, or of 本籍地 registration. */
export function withHours(policy: MunicipalityPolicy, target: CertificateType | 'domicileRegistration', hours: ServiceHours[]): PolicyEdit {
  const problems = hoursProblems(hours);
  if (problems.length > 0) throw new MadoguchiError('INPUT_INVALID', `${problems.length} problem(s) in the hours`, problems);
  if (target === 'domicileRegistration') {
    return {
      policy: { ...policy, domicileRegistrationHours: hours },
      before: { target, hours: policy.domicileRegistrationHours },
      after: { target, hours },
    };
  }
  const index = offeringIndex(policy, target, 'target');
  const offering = policy.offerings[index]!;
  // An offering's schema wants at least one range: no hours at all is switching the type off.
  if (hours.length === 0)
    throw invalid('hours', '少なくとも1つの時間帯が必要です。停止するには提供をオフにしてください (at least one range)');
  return {
    policy: replaceOffering(policy, index, { ...offering, hours }),
    before: { target, hours: offering.hours },
    after: { target, hours },
  };
}

export type OutageState = 'scheduled' | 'inProgress' | 'ended';

export function outageState(outage: Pick<Outage, 'from' | 'until'>, now: Date): OutageState {
  const t = now.getTime();
  if (t < Date.parse(outage.from)) return 'scheduled';
  return t < Date.parse(outage.until) ? 'inProgress' : 'ended';
}

/** A declared outage: it must end in the future and after it starts; one in progress applies at once. */
export function withOutage(
  policy: MunicipalityPolicy,
  declared: { from: string; until: string; certificateTypes: CertificateType[] | null; reason: string },
  outageId: string,
  now: Date,
): PolicyEdit<Outage> {
  if (Date.parse(declared.until) <= now.getTime()) throw invalid('until', '終了日時が過去です (the outage would already be over)');
  if (Date.parse(declared.until) <= Date.parse(declared.from))
    throw invalid('until', '終了は開始より後にしてください ("until" must be after "from")');
  const outage: Outage = {
    outageId,
    from: declared.from,
    until: declared.until,
    ...(declared.certificateTypes ? { certificateTypes: declared.certificateTypes } : {}),
    reason: declared.reason,
  };
  return { policy: { ...policy, outages: [...policy.outages, outage] }, before: null, after: outage, result: outage };
}

/** Ends an outage in progress now (until = now), or removes one not yet begun. An ended one is history. */
export function withOutageEnded(policy: MunicipalityPolicy, outageId: string, now: Date): PolicyEdit<Outage> {
  const outage = policy.outages.find((o) => o.outageId === outageId);
  if (!outage) throw new MadoguchiError('NOT_FOUND', `no outage ${outageId}`);
  const state = outageState(outage, now);
  if (state === 'ended') throw new MadoguchiError('CONFLICT', `outage ${outageId} has already ended`);
  if (state === 'scheduled') {
    return { policy: { ...policy, outages: policy.outages.filter((o) => o !== outage) }, before: outage, after: null, result: outage };
  }
  const ended = { ...outage, until: now.toISOString() };
  return {
    policy: { ...policy, outages: policy.outages.map((o) => (o === outage ? ended : o)) },
    before: outage,
    after: ended,
    result: ended,
  };
}
