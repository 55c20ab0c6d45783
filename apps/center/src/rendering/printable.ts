/**
 * Before payment: can every character of this certificate be printed with an exact glyph? Uses the
 * same fonts and lookup as rendering, so an answer of ok means the render will not refuse a glyph.
 * Everything drawn from the request is checked, not only the resident's data: the certifying
 * municipality's name, prefecture and head (title and name under the 認証文), the policy's fixed
 * texts (認証文 wording, seal note), and the issue date and number when known. The templates' own
 * labels are constants, printed in every template test.
 * The detail names code points only — never the text, which is personal data.
 */
import { formatEraDate, type MunicipalityPolicy, type RenderInput } from '@madoguchi/shared';
import { describeCodePoints, FontSet } from './fonts/font-set.js';

export type Printability = { ok: true } | { ok: false; code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER'; detail: string };

let shared: FontSet | undefined;
let sharedDir: string | undefined;

/** The process's read-only font set for checks (fonts parse once; IPAmj明朝 loads on first need). */
export function checkerFonts(fontDir?: string): FontSet {
  if (!shared || sharedDir !== fontDir) {
    shared = new FontSet({ fontDir });
    sharedDir = fontDir;
  }
  return shared;
}

function* printedStrings(value: unknown, key = ''): Generator<string> {
  if (typeof value === 'string') {
    // Images (base64) and ids are not printed as text.
    if (key.endsWith('Png') || key.endsWith('Id') || key.endsWith('Ids')) return;
    yield value;
  } else if (Array.isArray(value)) {
    for (const v of value) yield* printedStrings(v, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* printedStrings(v, k);
  }
}

/** What the renderer draws text from. Before payment the issue number is not assigned yet (its date and
 * municipality name are checked through `issuedOn` and `municipality`; the rest is ASCII). */
export interface PrintableInput {
  data: RenderInput['data'];
  municipality: Pick<RenderInput['municipality'], 'prefecture' | 'name' | 'head'>;
  policy: Pick<MunicipalityPolicy, 'fixedTexts'>;
  issuedOn?: string;
  issueNumber?: string;
}

function* drawnStrings(input: PrintableInput): Generator<string> {
  const m = input.municipality;
  yield m.prefecture;
  yield m.name;
  yield m.head.title;
  yield m.head.name;
  yield* printedStrings(input.policy.fixedTexts);
  if (input.issuedOn) yield formatEraDate(input.issuedOn);
  if (input.issueNumber) yield input.issueNumber;
  yield* printedStrings(input.data);
}

export function checkPrintable(input: PrintableInput, fonts: FontSet = checkerFonts()): Printability {
  const missing: number[] = [];
  for (const s of drawnStrings(input)) {
    // ASCII is always covered; skip the lookup for speed.
    if (/^[\x20-\x7e]*$/.test(s)) continue;
    const r = fonts.resolve(s);
    if (!r.ok) missing.push(...r.missing);
  }
  return missing.length ? { ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: describeCodePoints(missing) } : { ok: true };
}
