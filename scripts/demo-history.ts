/**
 * The demo's months of history: a few thousand past transactions at several store chains' kiosks,
 * so that the console's issuance log, anomalies, billing and statistics have something real to show
 * from the first start (issue 12, item 7).
 *
 * The plan (who came when, asked for what, and how it ended) is @madoguchi/shared/demo-data's
 * planDemoHistory: seeded, the same on every machine for the same period. This file replays it
 * through the center's issuance service in-process (createInProcessIssuance), on a clock it sets to
 * each visit's time: sessions are opened as POST /sessions opens them once a card is verified (no
 * card, challenge or PIN), and everything after — eligibility, fees, refusals, transitions, audit
 * rows, incidents, refunds and the sweeper — is the production code. So the history chain verifies
 * and whatever hangs off the issuance service (billing entries) is written as for a kiosk.
 *
 * Written once, into a center whose history is still empty: a second preparation adds nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeBillingMonth,
  createInProcessIssuance,
  createKioskKeyAndCsr,
  createStoreChain,
  enrollKiosk,
  ensureKioskCa,
  type CenterDatabase,
  type CenterServices,
  type CenterState,
  type InProcessIssuance,
  type Kiosk,
} from '@madoguchi/center';
import { MadoguchiError, ageOn, japanDate, pageIssueNumber } from '@madoguchi/shared';
import {
  demoHistoryChains,
  demoHistoryKiosks,
  demoHistoryPeriod,
  planDemoHistory,
  type DemoData,
  type PlannedRequest,
  type PlannedVisit,
} from '@madoguchi/shared/demo-data';

export interface DemoHistoryOptions {
  /** The Japan date of the demo's first day: the history ends the day before. Default: today in Japan. */
  today?: string;
  /** Whole months before the current one (default 5). */
  months?: number;
  /** Visits on an ordinary weekday, and how often requests fail (defaults: the plan's). */
  visitsPerWeekday?: number;
  troubleFactor?: number;
  log?: (line: string) => void;
}

export interface DemoHistoryReport {
  /** False when the database already had a history (this one, or a demo's from before): nothing was added. */
  added: boolean;
  from?: string;
  until?: string;
  visits?: number;
  issuances?: number;
  refunded?: number;
  /** The center's refusals by code (before payment, and at payment after 23:00). */
  refusals?: Record<string, number>;
  /** The months closed for billing (every municipality), oldest first. */
  closedMonths?: string[];
  elapsedMs?: number;
}

/** Fills `database` with the demo's history if its history (the audit chain) is still empty. */
export async function ensureDemoHistory(
  database: CenterDatabase,
  center: CenterState,
  demo: DemoData,
  options: DemoHistoryOptions = {},
): Promise<DemoHistoryReport> {
  const log = options.log ?? (() => {});
  // Only into a center with no history at all: a second start, or a state directory made before the
  // demo had a history, gets none (the chain's times would otherwise run backwards).
  const anyHistory = await database.db.selectFrom('audit_events').select('seq').limit(1).executeTakeFirst();
  if (anyHistory) return { added: false };
  const started = Date.now();
  const period = demoHistoryPeriod(options.today ?? japanDate(new Date()), options.months);
  const visits = planDemoHistory({
    ...period,
    holidays: demo.holidays.map((h) => h.date),
    residents: cardHolders(demo, period.from),
    taxYears: demo.policies.flatMap((p) => p.offerings.flatMap((o) => o.taxYears ?? [])).filter((y, i, all) => all.indexOf(y) === i),
    ...(options.visitsPerWeekday ? { visitsPerWeekday: options.visitsPerWeekday } : {}),
    ...(options.troubleFactor ? { troubleFactor: options.troubleFactor } : {}),
  });
  // Enrolled a week before the first customer, the chains' contracts made the same day.
  const kiosks = await enrollHistoryKiosks(database, center, new Date(Date.parse(`${period.from}T09:00:00+09:00`) - 7 * 86_400_000));
  const issuance = createInProcessIssuance(database, center, { render: standInRender });
  const refusals: Record<string, number> = {};
  const run: Replay = {
    issuance,
    database,
    kiosks,
    municipalityOf: new Map(demo.batch.residents.map((r) => [r.residentId, r.municipalityCode])),
    refused: (code) => (refusals[code] = (refusals[code] ?? 0) + 1),
    log,
  };
  const closes = monthlyCloses(
    period,
    demo.batch.municipalities.map((m) => m.code),
  );
  try {
    await replay(run, visits, closes);
  } finally {
    await issuance.close();
  }
  const counts = await database.db
    .selectFrom('issuances')
    .select((eb) => [eb.fn.countAll<number>().as('issuances'), eb.fn.sum<number>('refund_yen').as('refundYen')])
    .executeTakeFirstOrThrow();
  const refunded = await database.db
    .selectFrom('issuances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'refunded')
    .executeTakeFirstOrThrow();
  const report = {
    added: true,
    ...period,
    visits: visits.length,
    issuances: Number(counts.issuances),
    refunded: Number(refunded.n),
    refusals,
    closedMonths: [...new Set(closes.map((c) => c.month))],
    elapsedMs: Date.now() - started,
  };
  const closed = report.closedMonths.join(' ') || 'no month';
  log(
    `demo history: ${report.issuances} issuances (${report.refunded} refunded) from ${period.from} to ${period.until} ` +
      `at ${kiosks.size} kiosks of ${demoHistoryChains.length} chains, closed ${closed} (${report.elapsedMs} ms)`,
  );
  return report;
}

/**
 * Who comes to a kiosk: residents with a card they may use at a store, that is active residents
 * aged 15 or more. What they ask for may still be refused (no seal registered, 戸籍 outside office
 * hours, a 本籍地 not registered…): those refusals are part of the history.
 */
function cardHolders(demo: DemoData, from: string): { residentId: string; municipalityCode: string }[] {
  return demo.batch.residents
    .filter((r) => r.status === 'active' && ageOn(r.birthDate, from) >= 15)
    .map((r) => ({ residentId: r.residentId, municipalityCode: r.municipalityCode }));
}

/**
 * The chains and their kiosks, made through the fleet's own paths before the history starts. The
 * kiosks' keys are thrown away: these are other stores' kiosks, which the demo never runs (they
 * never send a heartbeat, so the fleet shows them as never seen, not silent).
 */
async function enrollHistoryKiosks(database: CenterDatabase, center: CenterState, enrolledAt: Date): Promise<Map<string, Kiosk>> {
  const keysDir = mkdtempSync(join(tmpdir(), 'madoguchi-history-kiosks-'));
  const enrolled = new Map<string, Kiosk>();
  try {
    for (const chain of demoHistoryChains) await createStoreChain(database, chain, enrolledAt);
    const ca = ensureKioskCa(center.kioskCaDir);
    for (const k of demoHistoryKiosks) {
      const { csrPem } = createKioskKeyAndCsr(keysDir, k.terminalId);
      const { terminalId, printerId, storeCode, storeName, chainCode } = k;
      const { kiosk } = await enrollKiosk(database, ca, { terminalId, printerId, storeCode, storeName, chainCode, csrPem }, enrolledAt);
      enrolled.set(k.terminalId, kiosk);
    }
  } finally {
    rmSync(keysDir, { recursive: true, force: true });
  }
  return enrolled;
}

/**
 * Every service is the production one but the PDF renderer: nobody will print these documents
 * (their bytes are deleted as soon as the print result is recorded), and rendering thousands of
 * them would make the demo's first start minutes longer. The stand-in carries the copy's issue
 * number on its one page, which is what the service checks before it signs a binding.
 */
const standInRender: CenterServices['render'] = async (input) => {
  const pdf = new TextEncoder().encode(`%PDF-1.7\n% demo history: ${input.issuanceId} copy ${input.copyIndex}\n%%EOF\n`);
  return {
    pdf,
    pageCount: 1,
    pageIssueNumbers: [pageIssueNumber(input.issueNumber, 1, 1)],
    contentSha256: createHash('sha256').update(pdf).digest('hex'),
  };
};

/**
 * The past months' closes: each whole month before today's is closed for every municipality on the
 * third of the next month at 10:00 Japan time, as an operator would with the billing CLI, or at the
 * history's last evening when that comes first; a month that has not ended by then stays open, as
 * does the current one.
 */
export function monthlyCloses(period: { from: string; until: string }, municipalityCodes: readonly string[]): PlannedClose[] {
  const closes: PlannedClose[] = [];
  const lastEvening = Date.parse(`${period.until}T23:50:00+09:00`);
  for (let month = period.from.slice(0, 7); month < period.until.slice(0, 7) || month === period.until.slice(0, 7);) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}`;
    const at = Math.min(Date.parse(`${next}-03T10:00:00+09:00`), lastEvening);
    if (at >= Date.parse(`${next}-01T00:00:00+09:00`)) {
      for (const municipalityCode of municipalityCodes) closes.push({ at, month, municipalityCode });
    }
    month = next;
  }
  return closes;
}

interface PlannedClose {
  at: number;
  month: string;
  municipalityCode: string;
}

type Refused = (code: string) => void;

interface Replay {
  issuance: InProcessIssuance;
  database: CenterDatabase;
  kiosks: Map<string, Kiosk>;
  municipalityOf: Map<string, string>;
  refused: Refused;
  log: (line: string) => void;
}

/** Visits in time order, with the center's nightly sweep and the monthly closes where they fall. */
async function replay(run: Replay, visits: readonly PlannedVisit[], closes: PlannedClose[]): Promise<void> {
  const pending = [...closes];
  const closeUntil = async (t: number) => {
    while (pending.length > 0 && pending[0]!.at <= t) {
      const close = pending.shift()!;
      await closeBillingMonth(run.database, close.municipalityCode, close.month, { staffId: 'cli', now: new Date(close.at) });
    }
  };
  let day = '';
  const endOfDay = async () => {
    // The sweeper runs all day at the center; once a night is enough for what the history needs.
    const night = Date.parse(`${day}T23:45:00+09:00`);
    await closeUntil(night);
    await run.issuance.sweep(new Date(night));
  };
  for (const visit of visits) {
    const visitDay = japanDate(new Date(visit.at));
    if (visitDay !== day) {
      if (day) await endOfDay();
      day = visitDay;
      if (day.endsWith('-01')) run.log(`demo history: ${day.slice(0, 7)}`);
    }
    await closeUntil(Date.parse(visit.at));
    await replayVisit(run, visit);
  }
  if (day) await endOfDay();
  await closeUntil(Number.POSITIVE_INFINITY);
}

async function replayVisit(run: Replay, visit: PlannedVisit): Promise<void> {
  const kiosk = run.kiosks.get(visit.terminalId)!;
  const cardRead = Date.parse(visit.at);
  // A card of the resident's own (its digest is what every binding names); never a real certificate.
  const card = {
    certificateSha256: createHash('sha256').update(`demo-history-card:${visit.residentId}`).digest('hex'),
    notAfter: new Date('2031-03-31T14:59:59Z'),
  };
  const resident = { residentId: visit.residentId, municipalityCode: run.municipalityOf.get(visit.residentId)! };
  const sessionId = await run.issuance.openSession(kiosk, resident, card, new Date(cardRead));
  let t = cardRead;
  for (const request of visit.requests) t = await replayRequest(run, kiosk, sessionId, request, { cardRead, at: t });
}

const SECOND = 1000;

/**
 * One request from quote to its end, as a kiosk would make its calls; answers when the kiosk is
 * done with it. The center's refusals are part of the history (nothing was charged).
 */
async function replayRequest(
  run: Replay,
  kiosk: Kiosk,
  sessionId: string,
  request: PlannedRequest,
  times: { cardRead: number; at: number },
): Promise<number> {
  const { certificateType, options, copies, ending } = request;
  const { issuance } = run;
  const quotedAt = times.at + request.choosingSeconds * SECOND;
  const paidAt = quotedAt + request.payingSeconds * SECOND;
  try {
    const quoted = await issuance.quote(kiosk, { sessionId, certificateType, options, copies }, new Date(quotedAt));
    if (ending === 'walkedAway') {
      await issuance.cancel(kiosk, quoted.issuanceId, 'CARD_REMOVED', new Date(paidAt));
      return paidAt;
    }
    // Paid after 23:00 (paidAfterClosing) the store's hours are over: the center refuses and voids the quote.
    const delivery = await issuance.pay(kiosk, quoted.issuanceId, quoted.totalYen, new Date(paidAt));
    if (ending === 'cancelledAfterPayment') {
      await issuance.cancel(kiosk, quoted.issuanceId, 'CARD_REMOVED', new Date(paidAt + 5 * SECOND));
      return paidAt + 5 * SECOND;
    }
    if (ending === 'printResultMissing') return paidAt + 20 * SECOND; // the nightly sweep refunds it and records the incident
    let reportedAt = paidAt;
    for (const [copy, document] of delivery.documents.entries()) {
      reportedAt = paidAt + 20 * SECOND + copy * 15 * SECOND;
      const outcome = copy > 0 || ending === 'printed' ? 'printed' : ending === 'printFailed' ? 'failed' : 'rejected';
      const report = {
        issueNumber: document.binding.issueNumber,
        outcome,
        ...(outcome === 'failed' ? { reasonCode: 'PRINTER_UNAVAILABLE' as const } : {}),
        // The kiosk's own measure of the resident's wait, from the card to this copy's print.
        ...(outcome === 'printed' ? { journeyMs: reportedAt - times.cardRead } : {}),
      } as const;
      const result = await issuance.reportPrintResult(kiosk, quoted.issuanceId, report, new Date(reportedAt));
      if (result.state === 'refunded') break; // the first copy failed: the rest are refunded with it
    }
    return reportedAt;
  } catch (error) {
    if (!(error instanceof MadoguchiError) || !error.code.startsWith('ELIGIBILITY_')) throw error;
    run.refused(error.code);
    return quotedAt;
  }
}
