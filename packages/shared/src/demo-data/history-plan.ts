/**
 * What happened at the demo's stores before the demo's "now": which resident came to which kiosk
 * when, asked for what, and how each request ended. Pure and seeded, so the same period gives the
 * same plan on every machine; scripts/demo-history.ts replays it through the center's issuance
 * service, which decides fees, refusals and refunds as it would for a kiosk.
 */
import type { CertificateType } from '../domain/certificate-type.js';
import { isYearEndClosure, type CertificateOptions } from '../domain/policy.js';
import { SeededRandom } from './random.js';

export const DEMO_HISTORY_SEED = 20260701;

/** Store chains (fictional) whose kiosks the history's customers used. */
export const demoHistoryChains: readonly { chainCode: string; name: string }[] = [
  { chainCode: 'asahi-mart', name: 'あさひマート' },
  { chainCode: 'kaede-store', name: 'かえでストア' },
  { chainCode: 'minato-24', name: 'みなと24' },
];

export interface HistoryKiosk {
  terminalId: string;
  printerId: string;
  storeCode: string;
  storeName: string;
  chainCode: string;
  /** The municipality the store stands in: its residents are most of its customers. */
  municipalityCode: string;
  /** Relative footfall. */
  weight: number;
}

const kiosk = (
  terminalId: string,
  chainCode: string,
  storeCode: string,
  storeName: string,
  municipalityCode: string,
  weight: number,
): HistoryKiosk => ({ terminalId, printerId: 'P01', storeCode, storeName, chainCode, municipalityCode, weight });

export const demoHistoryKiosks: readonly HistoryKiosk[] = [
  kiosk('KIOSK-H101', 'asahi-mart', 'AM-0101', 'あさひマート 横浜山下町店', '141003', 5),
  kiosk('KIOSK-H102', 'asahi-mart', 'AM-0102', 'あさひマート 日吉駅前店', '141003', 4),
  kiosk('KIOSK-H103', 'kaede-store', 'KS-0201', 'かえでストア みなとみらい店', '141003', 4),
  kiosk('KIOSK-H104', 'minato-24', 'M24-0301', 'みなと24 戸塚駅東口店', '141003', 3),
  kiosk('KIOSK-H201', 'asahi-mart', 'AM-0201', 'あさひマート 九段南店', '131016', 3),
  kiosk('KIOSK-H202', 'kaede-store', 'KS-0202', 'かえでストア 神保町店', '131016', 3),
  kiosk('KIOSK-H203', 'minato-24', 'M24-0302', 'みなと24 飯田橋店', '131016', 2),
  kiosk('KIOSK-H301', 'kaede-store', 'KS-0301', 'かえでストア 奥多摩駅前店', '133086', 1),
];

/**
 * How a request ends, as the kiosk reports it: printed; the printer failed (refund); the last-hop
 * check refused the document (refund); no print result ever came (the sweeper refunds); the resident
 * walked away before paying (cancelled) or after (refunded); or the quote was paid after 23:00, when
 * the store's service hours had ended (refused at payment).
 */
export type HistoryEnding =
  'printed' | 'printFailed' | 'rejectedAtLastHop' | 'printResultMissing' | 'walkedAway' | 'cancelledAfterPayment' | 'paidAfterClosing';

export interface PlannedRequest {
  certificateType: CertificateType;
  options: CertificateOptions;
  copies: number;
  ending: HistoryEnding;
  /** From the card read (or the previous request's end) to the quote: choosing on the menu. */
  choosingSeconds: number;
  /** From the quote to the payment: inserting the cash. */
  payingSeconds: number;
}

export interface PlannedVisit {
  /** When the resident's card was read (an ISO instant); the requests follow one another from there. */
  at: string;
  terminalId: string;
  residentId: string;
  requests: PlannedRequest[];
}

export interface HistoryPlanInput {
  /** First and last Japan dates of the history, inclusive. */
  from: string;
  until: string;
  holidays: readonly string[];
  residents: readonly { residentId: string; municipalityCode: string }[];
  /** The tax years residents ask for (the demo's records hold these). */
  taxYears: readonly number[];
  /** Visits on an ordinary weekday; the rest follow from it. */
  visitsPerWeekday?: number;
  /** Multiplies how often a request fails or is abandoned (default 1): a short history for a test needs more. */
  troubleFactor?: number;
  seed?: number;
}

const DAY_MS = 86_400_000;
const JAPAN_OFFSET_MS = 9 * 3_600_000;

/** Every Japan date from `from` to `until`, inclusive. */
export function japanDatesBetween(from: string, until: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += DAY_MS) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

/**
 * How busy a day is against an ordinary weekday: weekends and holidays are quieter; the days around
 * the turn of a month are busy the way March is, when people move and need 住民票 and 戸籍.
 */
export function dayWeight(date: string, holidays: readonly string[]): number {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = day.getUTCDay();
  const dayOfMonth = day.getUTCDate();
  const lastDay = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
  let weight = holidays.includes(date) || weekday === 0 ? 0.45 : weekday === 6 ? 0.65 : 1;
  if (dayOfMonth <= 3 || dayOfMonth >= lastDay - 1) weight *= 2.2;
  return weight;
}

/**
 * When in the store's day (06:30–23:00) visits come, as [from, to) minutes after midnight with a
 * relative rate: quiet early mornings and late nights, peaks at lunch and after work.
 */
const hourBands: readonly [number, number, number][] = [
  [6 * 60 + 30, 8 * 60, 0.15],
  [8 * 60, 10 * 60, 0.8],
  [10 * 60, 12 * 60, 1.1],
  [12 * 60, 13 * 60, 1.8],
  [13 * 60, 17 * 60, 1],
  [17 * 60, 19 * 60 + 30, 1.5],
  [19 * 60 + 30, 21 * 60, 0.6],
  [21 * 60, 22 * 60 + 50, 0.2],
];

function pickWeighted<T>(rnd: SeededRandom, items: readonly T[], weight: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let x = rnd.next() * total;
  for (const item of items) {
    x -= weight(item);
    if (x < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Minutes after midnight (Japan) of a visit, following hourBands. */
function visitMinute(rnd: SeededRandom): number {
  const [from, to] = pickWeighted(rnd, hourBands, ([a, b, rate]) => (b - a) * rate);
  return from + rnd.next() * (to - from);
}

/** How often each certificate is asked for: 住民票 most, then 印鑑, 税, 戸籍. */
const typeShares: readonly [CertificateType, number][] = [
  ['residenceRecord', 42],
  ['sealCertificate', 20],
  ['taxCertificate', 14],
  ['familyRegisterFull', 9],
  ['familyRegisterIndividual', 5],
  ['familyRegisterAddressHistory', 5],
  ['residenceItemsCertificate', 5],
];

function optionsFor(rnd: SeededRandom, type: CertificateType, residentId: string, taxYears: readonly number[]): CertificateOptions {
  if (type === 'residenceRecord' || type === 'residenceItemsCertificate') {
    const onlyMe = rnd.chance(0.35);
    return {
      residenceRecord: {
        scope: onlyMe ? 'selected' : 'household',
        memberIds: onlyMe ? [residentId] : [],
        form: onlyMe ? 'individual' : 'household',
        householdHeadAndRelationship: rnd.chance(0.8),
        domicile: rnd.chance(0.25),
        // Some municipalities do not print 個人番号 at stores: those requests are refused.
        myNumber: rnd.chance(0.08),
        foreignResidentItems: true,
      },
    };
  }
  if (type === 'taxCertificate') {
    const kind = pickWeighted(rnd, ['income', 'payment', 'nonTaxable'] as const, (k) => (k === 'income' ? 6 : k === 'payment' ? 3 : 1));
    return { tax: { kind, taxYear: rnd.pick(taxYears) } };
  }
  return {};
}

/** How often a request ends each way but printed, as a share of requests: the rare failures of a real fleet. */
const troubleShares: readonly [HistoryEnding, number][] = [
  ['printFailed', 0.025],
  ['rejectedAtLastHop', 0.008],
  ['printResultMissing', 0.008],
  ['walkedAway', 0.03],
  ['cancelledAfterPayment', 0.008],
];

function endingFor(rnd: SeededRandom, troubleFactor: number): HistoryEnding {
  let x = rnd.next();
  for (const [ending, share] of troubleShares) {
    x -= share * troubleFactor;
    if (x < 0) return ending;
  }
  return 'printed';
}

/**
 * Seconds spent choosing: most people know what they came for, some read the whole menu; the
 * skew gives the card-to-print times a long tail. Short enough that three requests fit in the
 * center's 10-minute session.
 */
const choosingSeconds = (rnd: SeededRandom) => Math.round(12 + 70 * rnd.next() ** 2.5);
const payingSeconds = (rnd: SeededRandom) => rnd.int(10, 40);

/** At most three requests a visit, so that a visit fits in one session. */
const MAX_REQUESTS = 3;

function planRequests(rnd: SeededRandom, residentId: string, input: HistoryPlanInput): PlannedRequest[] {
  const count = rnd.chance(0.18) ? 2 : 1;
  const requests: PlannedRequest[] = [];
  for (let i = 0; i < count && requests.length < MAX_REQUESTS; i++) {
    const certificateType = pickWeighted(rnd, typeShares, ([, share]) => share)[0];
    const copies = rnd.chance(0.12) ? rnd.int(2, 3) : 1;
    const ending = endingFor(rnd, input.troubleFactor ?? 1);
    const options = optionsFor(rnd, certificateType, residentId, input.taxYears);
    requests.push({ certificateType, options, copies, ending, choosingSeconds: choosingSeconds(rnd), payingSeconds: payingSeconds(rnd) });
    // After a failed print the resident usually tries again at once: the retry that succeeds is an incident to reconcile.
    if ((ending === 'printFailed' || ending === 'rejectedAtLastHop') && requests.length < MAX_REQUESTS && rnd.chance(0.7)) {
      requests.push({ ...requests[requests.length - 1]!, ending: 'printed', choosingSeconds: rnd.int(8, 20) });
    }
  }
  return requests;
}

/** A visit's instant from its Japan date and minute of the day. */
function instantOf(date: string, minute: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - JAPAN_OFFSET_MS + Math.round(minute * 60_000)).toISOString();
}

function planDay(rnd: SeededRandom, input: HistoryPlanInput, date: string, kiosks: readonly HistoryKiosk[]): PlannedVisit[] {
  const mean = (input.visitsPerWeekday ?? 12) * dayWeight(date, input.holidays) * (0.8 + 0.4 * rnd.next());
  const count = Math.max(0, Math.round(mean));
  const visits: PlannedVisit[] = [];
  for (let i = 0; i < count; i++) {
    const kioskOfVisit = pickWeighted(rnd, kiosks, (k) => k.weight);
    const neighbours = input.residents.filter((r) => r.municipalityCode === kioskOfVisit.municipalityCode);
    // Most customers live nearby; some are commuters from another served municipality.
    const resident = rnd.chance(0.85) && neighbours.length > 0 ? rnd.pick(neighbours) : rnd.pick(input.residents);
    visits.push({
      at: instantOf(date, visitMinute(rnd)),
      terminalId: kioskOfVisit.terminalId,
      residentId: resident.residentId,
      requests: planRequests(rnd, resident.residentId, input),
    });
  }
  // Now and then someone is still choosing at 22:59 and pays after the store's hours have ended.
  if (rnd.chance(0.12)) {
    const resident = rnd.pick(input.residents);
    visits.push({
      at: instantOf(date, 22 * 60 + 58 + 50 / 60),
      terminalId: pickWeighted(rnd, kiosks, (k) => k.weight).terminalId,
      residentId: resident.residentId,
      // Quoted at 22:59:30, paid at 23:00:20.
      requests: [
        { certificateType: 'residenceRecord', options: {}, copies: 1, ending: 'paidAfterClosing', choosingSeconds: 40, payingSeconds: 50 },
      ],
    });
  }
  return visits;
}

/** The whole history, visit by visit in time order. */
export function planDemoHistory(input: HistoryPlanInput, kiosks: readonly HistoryKiosk[] = demoHistoryKiosks): PlannedVisit[] {
  const rnd = new SeededRandom(input.seed ?? DEMO_HISTORY_SEED);
  // Stores issue nothing from 29 December to 3 January: nobody comes for a certificate then.
  const days = japanDatesBetween(input.from, input.until).filter((date) => !isYearEndClosure(date));
  const visits = days.flatMap((date) => planDay(rnd, input, date, kiosks));
  return visits.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * The period the demo's history covers: from the first day of the month `months` before the month
 * of `today` (a Japan date) to the day before `today`, so every earlier month is whole and the
 * current one is open.
 */
export function demoHistoryPeriod(today: string, months = 5): { from: string; until: string } {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1 - months, 1));
  const until = new Date(Date.parse(`${today}T00:00:00Z`) - DAY_MS);
  return { from: first.toISOString().slice(0, 10), until: until.toISOString().slice(0, 10) };
}
