/**
 * The named scenarios of a load run, each a replay of a case in docs/misissuance.md, and the bulk
 * load they run beside. A scenario is the journeys it sends and the verdict it gives on their results
 * (the document check and the invariants are judged for the whole run, in run.ts).
 */
import type { CertificateOptions, CertificateType, Resident } from '@madoguchi/shared';
import type { DemoData } from '@madoguchi/shared/demo-data';
import type { Journey, JourneyResult } from '../protocol.js';
import type { LoadCard } from '../world.js';

export const SCENARIOS = [
  'same-second',
  'error-then-retry',
  'same-resident-two-kiosks',
  'multi-page',
  'record-changes',
  'slow-renders',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Verdict {
  ok: boolean;
  detail: string;
}

export interface ScenarioContext {
  demo: DemoData;
  cards: LoadCard[];
  kiosks: number;
  random: () => number;
  nextId: () => number;
}

/** The options a resident leaves as they are, per certificate type. */
export function defaultOptions(type: CertificateType): CertificateOptions {
  if (type === 'residenceRecord')
    return {
      residenceRecord: {
        scope: 'household',
        memberIds: [],
        form: 'household',
        householdHeadAndRelationship: true,
        domicile: false,
        myNumber: false,
        foreignResidentItems: true,
      },
    };
  if (type === 'taxCertificate') return { tax: { kind: 'income', taxYear: 2026 } };
  if (type.startsWith('familyRegister')) return { familyRegister: {} };
  return {};
}

/** The March mix: mostly 住民票, then seals, tax and 戸籍; one request in five for several copies. */
const MIX: [CertificateType, number][] = [
  ['residenceRecord', 0.38],
  ['sealCertificate', 0.16],
  ['taxCertificate', 0.14],
  ['familyRegisterFull', 0.1],
  ['familyRegisterIndividual', 0.08],
  ['familyRegisterAddressHistory', 0.07],
  ['residenceItemsCertificate', 0.07],
];

export function mixedJourney(ctx: ScenarioContext, scenario: string, card: LoadCard): Journey {
  let draw = ctx.random();
  let type: CertificateType = 'residenceRecord';
  for (const [t, p] of MIX) {
    if (draw < p) {
      type = t;
      break;
    }
    draw -= p;
  }
  const copies = ctx.random() < 0.2 ? 2 + Math.floor(ctx.random() * 2) : 1;
  return { id: ctx.nextId(), scenario, card, certificateType: type, options: defaultOptions(type), copies };
}

const residentIndex = new WeakMap<DemoData, Map<string, Resident>>();

/** The generator's record of the card's resident (indexed once per world: a scan of 50,000 per card added up to seconds). */
export function residentOf(demo: DemoData, card: LoadCard): Resident {
  let index = residentIndex.get(demo);
  if (!index) {
    index = new Map(demo.batch.residents.map((r) => [r.residentId, r]));
    residentIndex.set(demo, index);
  }
  return index.get(card.residentId)!;
}

const servable = (r: Resident) => r.status === 'active' && r.recordState === 'approved';

/** docs/misissuance.md#kawasaki: residents of one municipality confirm within the same second at many kiosks. */
export function sameSecond(ctx: ScenarioContext, at: number): Journey[] {
  const yokohama = ctx.cards.filter((c) => {
    const r = residentOf(ctx.demo, c);
    return r.municipalityCode === '141003' && servable(r);
  });
  const n = Math.min(ctx.kiosks, 40, yokohama.length);
  return yokohama.slice(0, n).map((card, i) => ({
    id: ctx.nextId(),
    scenario: 'same-second',
    card,
    certificateType: i % 2 === 0 ? 'residenceRecord' : 'familyRegisterFull',
    options: defaultOptions(i % 2 === 0 ? 'residenceRecord' : 'familyRegisterFull'),
    copies: 1,
    confirmAt: at,
  }));
}

export function sameSecondVerdict(results: JourneyResult[]): Verdict {
  const confirmed = results.filter((r) => r.confirmedAt !== undefined).map((r) => r.confirmedAt!);
  const spread = confirmed.length ? Math.max(...confirmed) - Math.min(...confirmed) : 0;
  const printed = results.filter((r) => r.outcome === 'printed').length;
  const bad = results.filter((r) => r.outcome === 'stuck' || r.outcome === 'failed').length;
  // 1 s: the case is requests "within the same second"; under load the kiosks' timers fire late.
  return {
    ok: bad === 0 && printed > 0 && spread <= 1_000,
    detail: `${results.length} kiosks, ${printed} printed, confirmed within ${spread} ms, ${bad} failed or stuck`,
  };
}

/** docs/misissuance.md#adachi: the center commits the payment, its answer is lost, the kiosk retries with the same key. */
export function errorThenRetry(ctx: ScenarioContext, cards: LoadCard[]): Journey[] {
  return cards.slice(0, Math.min(30, ctx.kiosks)).map((card) => ({
    id: ctx.nextId(),
    scenario: 'error-then-retry',
    card,
    certificateType: 'residenceRecord' as const,
    options: defaultOptions('residenceRecord'),
    copies: 1,
    losePayAnswer: true,
  }));
}

/** docs/misissuance.md#takamatsu: one resident's card at two kiosks at once (two cards of one resident, in effect). */
export function sameResidentTwoKiosks(ctx: ScenarioContext, cards: LoadCard[], at: number): Journey[] {
  const pairs = cards.slice(0, Math.min(10, Math.floor(ctx.kiosks / 2)));
  return pairs.flatMap((card) =>
    (['residenceRecord', 'taxCertificate'] as const).map((type) => ({
      id: ctx.nextId(),
      scenario: 'same-resident-two-kiosks',
      card,
      certificateType: type,
      options: defaultOptions(type),
      copies: 1,
      confirmAt: at,
    })),
  );
}

export function everyJourneyPrinted(results: JourneyResult[], options: { allowFailed?: boolean } = {}): Verdict {
  const by = (o: JourneyResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const printed = by('printed');
  // No refund after payment is by design: a record too long for the page (the demo's longNameAndAddress
  // resident on a 戸籍の附票) is refused before money with ELIGIBILITY_TEXT_OVERFLOW, no longer refunded.
  const unexpected = results.filter((r) => r.outcome === 'failed').length;
  const ok = by('stuck') === 0 && (options.allowFailed === true || unexpected === 0) && printed > 0;
  return {
    ok,
    detail: `${results.length} journeys: ${printed} printed, ${by('refused')} refused, ${by('failed')} failed, ${by('stuck')} stuck`,
  };
}

/** docs/misissuance.md#tokushima: 戸籍 of many persons and large households' 住民票, several copies each. */
export function multiPage(ctx: ScenarioContext): Journey[] {
  const { demo } = ctx;
  const registerSize = new Map<string, number>();
  for (const reg of demo.batch.familyRegisters)
    for (const p of reg.persons) if (p.residentId) registerSize.set(p.residentId, reg.persons.length);
  const householdSize = new Map<string, number>();
  for (const r of demo.batch.residents)
    if (r.status === 'active') householdSize.set(r.householdId, (householdSize.get(r.householdId) ?? 0) + 1);
  const big = ctx.cards.filter((c) => {
    const r = residentOf(demo, c);
    return servable(r) && ((registerSize.get(r.residentId) ?? 0) >= 5 || (householdSize.get(r.householdId) ?? 0) >= 5);
  });
  return big.slice(0, Math.min(40, ctx.kiosks * 2)).map((card, i) => {
    const type: CertificateType = i % 2 === 0 ? 'familyRegisterFull' : 'residenceRecord';
    return { id: ctx.nextId(), scenario: 'multi-page', card, certificateType: type, options: defaultOptions(type), copies: 2 + (i % 2) };
  });
}

export function multiPageVerdict(results: JourneyResult[], pagesOf: (file: string) => number): Verdict {
  const base = everyJourneyPrinted(results);
  const multi = results.flatMap((r) => r.printed).filter((p) => pagesOf(p.file) > 1).length;
  return { ok: base.ok && multi > 0, detail: `${base.detail}; ${multi} printed copies of more than one page` };
}
