/**
 * Before payment: can every character of this certificate be printed with an exact glyph? Uses the
 * same fonts and lookup as rendering, so an answer of ok means the render will not refuse a glyph.
 * Everything drawn from the request is checked, not only the resident's data: the certifying
 * municipality's name, prefecture and head (title and name under the 認証文), the policy's fixed
 * texts (認証文 wording, seal note), and the issue date and number when known. The templates' own
 * labels are constants, printed in every template test.
 * The detail names code points only — never the text, which is personal data.
 *
 * Then: does it fit on the paper? The same layout as the renderer (layoutDocument: template, fitted
 * texts, pages; no PDF) is run, so a record the renderer would refuse with ISSUANCE_TEXT_OVERFLOW after
 * payment (and refund) is refused here with ELIGIBILITY_TEXT_OVERFLOW before any money. Its detail
 * names the field and the widths, never the text.
 *
 * Cost, on the main thread at every menu (7 types) and quote: the layout is 25 µs median per call,
 * the characters 29 µs, both together 62 µs (×2.1 the characters alone; p99 5.7 ms only under a load
 * of 22 on 2 cores), over all 1,330 demo inputs (test/bench/printable-check.ts, docs/benchmarks.md#printability-check).
 * So there is no length bound in front of it: it would save ~25 µs, and could not see a block too tall for a page.
 */
import { formatEraDate, MadoguchiError, type MunicipalityPolicy, type RenderInput } from '@madoguchi/shared';
import { describeCodePoints, FontSet } from './fonts/font-set.js';
import { BLANK_INK_PNG } from './pdf/ink-image.js';
import { layoutDocument } from './render-document.js';

export type Printability =
  { ok: true } | { ok: false; code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER' | 'ELIGIBILITY_TEXT_OVERFLOW'; detail: string };

let shared: FontSet | undefined;
let sharedDir: string | undefined;

/**
 * How many whole texts the checker's fonts keep resolved for the layout (fonts/font-set.ts `textMemo`): a menu fits
 * the same texts (the templates' labels, the municipality's, names, addresses) for each of its types. 4,096 was
 * cleared several times a round by the 25 residents of the fleet bench; a few MB at most.
 */
const CHECKER_TEXT_MEMO = 16384;

/** The process's read-only font set for checks (fonts parse once; IPAmj明朝 loads on first need). */
export function checkerFonts(fontDir?: string): FontSet {
  if (!shared || sharedDir !== fontDir) {
    shared = new FontSet({ fontDir, textMemo: CHECKER_TEXT_MEMO });
    sharedDir = fontDir;
  }
  return shared;
}

/**
 * The strings of `value` that are printed, into `out`. A plain recursion, not a generator: nested generators (a
 * `yield*` per level of the record) were a third of the character check's time in the SQLite thread, which runs it
 * for every menu item at every sign-in.
 */
function printedStrings(value: unknown, key: string, out: string[]): void {
  if (typeof value === 'string') {
    // Images (base64) and ids are not printed as text.
    if (key.endsWith('Png') || key.endsWith('Id') || key.endsWith('Ids')) return;
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) printedStrings(v, key, out);
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) printedStrings((value as Record<string, unknown>)[k], k, out);
  }
}

/** What the renderer draws text from. Before payment the issue number is not assigned yet (its date and
 * municipality name are checked through `issuedOn` and `municipality`; the rest is ASCII). */
export interface PrintableInput {
  data: RenderInput['data'];
  municipality: RenderInput['municipality'];
  policy: Pick<MunicipalityPolicy, 'fixedTexts' | 'officialSealSizeMm'>;
  issuedOn?: string;
  issueNumber?: string;
}

function drawnStrings(input: PrintableInput): string[] {
  const m = input.municipality;
  const out = [m.prefecture, m.name, m.head.title, m.head.name];
  printedStrings(input.policy.fixedTexts, '', out);
  if (input.issuedOn) out.push(formatEraDate(input.issuedOn));
  if (input.issueNumber) out.push(input.issueNumber);
  printedStrings(input.data, '', out);
  return out;
}

/**
 * Whole checks by everything they read (checkKey), on the checker's fonts only: the quote and the payment check
 * again what the menu checked, with the same record, and the answer is a pure function of it and the read-only
 * fonts. Keyed by the full input, so a record that changed in any character is a new key, checked afresh
 * (docs/misissuance.md#r5); it keeps the texts of at most CHECK_MEMO inputs, and answers that name code points or
 * widths only. Cleared whole when full, as the decoded images are (pdf/ink-image.ts).
 */
const CHECK_MEMO = 1024;
const checks = new Map<string, Printability>();

/** Every character, then the layout: what eligibility runs before payment. */
export function checkPrintable(input: PrintableInput, fonts: FontSet = checkerFonts()): Printability {
  const key = fonts === shared ? checkKey(input) : undefined;
  const known = key === undefined ? undefined : checks.get(key);
  if (known) return known;
  const characters = checkCharacters(input, fonts);
  const answer = characters.ok ? checkFits(input, fonts) : characters;
  if (key !== undefined) {
    if (checks.size >= CHECK_MEMO) checks.clear();
    checks.set(key, Object.freeze(answer));
  }
  return answer;
}

/**
 * What checkPrintable reads of `input`, as one string: the data as the layout draws it (layoutData: a seal
 * certificate's 印影 is the blank, and the characters never read an image), the municipality, the policy's fixed
 * texts and seal size, the date and issue number. JSON cannot tell a few values apart (undefined and a missing key,
 * NaN and null, a Date and its ISO text), so those are written as objects no JSON value of the input can equal;
 * an input with a value JSON drops or refuses (a function, a symbol, a bigint) is not memoised.
 */
function checkKey(input: PrintableInput): string | undefined {
  let keyable = true;
  const { data, municipality, policy, issuedOn, issueNumber } = input;
  const parts = [layoutData(data), municipality, policy.fixedTexts, policy.officialSealSizeMm, issuedOn, issueNumber];
  const key = JSON.stringify(parts, function (this: Record<string, unknown>, k: string, value: unknown) {
    if (value === undefined) return { '\u0000undefined': true };
    if (typeof value === 'number' && !Number.isFinite(value)) return { '\u0000number': String(value) };
    if (this[k] instanceof Date) return { '\u0000date': value };
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') keyable = false;
    return keyable ? value : null;
  });
  return keyable ? key : undefined;
}

/** Every character drawn has an exact glyph in the fonts. */
export function checkCharacters(input: PrintableInput, fonts: FontSet = checkerFonts()): Printability {
  const missing: number[] = [];
  for (const s of drawnStrings(input)) {
    // ASCII is always covered; skip the lookup for speed.
    if (/^[\x20-\x7e]*$/.test(s)) continue;
    fonts.addMissing(s, missing);
  }
  return missing.length ? { ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: describeCodePoints(missing) } : { ok: true };
}

/** Before payment the issue number is not assigned: a stand-in as long as a real one (terminal ids are ~10 characters). */
const STAND_IN_TERMINAL = 'KIOSK-0000-0000';

/**
 * The registered 印影 is drawn in a box of fixed size, so its pixels never change the layout: the
 * layout is run with a 1×1 white PNG instead (decoding the demo's 印影 made a seal certificate's layout 309 µs
 * median instead of 59 µs, test/bench/printable-check.ts at load 25), which ink-image.ts decodes once.
 */
function layoutData(data: RenderInput['data']): RenderInput['data'] {
  if (data.certificateType !== 'sealCertificate') return data;
  return { ...data, registration: { ...data.registration, sealImagePng: BLANK_INK_PNG } };
}

/** The layout fits the paper: every text at or above its minimum size, every block on a page. */
export function checkFits(input: PrintableInput, fonts: FontSet = checkerFonts()): Printability {
  const issuedOn = input.issuedOn ?? '2026-12-31';
  const issueNumber = input.issueNumber ?? `${issuedOn.replaceAll('-', '')} ${input.municipality.name} ${STAND_IN_TERMINAL} P01 000000`;
  const { fixedTexts, officialSealSizeMm } = input.policy;
  try {
    layoutDocument(
      {
        issuanceId: 'layout-check',
        copyIndex: 1,
        issueNumber,
        municipality: input.municipality,
        policy: { officialSealPng: '', fixedTexts, ...(officialSealSizeMm === undefined ? {} : { officialSealSizeMm }) },
        issuedOn,
        data: layoutData(input.data),
      },
      fonts,
    );
    return { ok: true };
  } catch (error) {
    if (!(error instanceof MadoguchiError)) throw error;
    if (error.code === 'ISSUANCE_TEXT_OVERFLOW') return { ok: false, code: 'ELIGIBILITY_TEXT_OVERFLOW', detail: error.detail ?? '' };
    if (error.code === 'ELIGIBILITY_UNPRINTABLE_CHARACTER') return { ok: false, code: error.code, detail: error.detail ?? '' };
    throw error;
  }
}
