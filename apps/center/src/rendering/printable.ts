/**
 * Before payment: can every character of this certificate be printed with an exact glyph? Uses the
 * same fonts and lookup as rendering, so an answer of ok means the render will not refuse a glyph.
 * The detail names code points only — never the text, which is personal data.
 */
import type { CertificateData } from '@madoguchi/shared';
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

export function checkPrintable(data: CertificateData, fonts: FontSet = checkerFonts()): Printability {
  const missing: number[] = [];
  for (const s of printedStrings(data)) {
    // ASCII is always covered; skip the lookup for speed.
    if (/^[\x20-\x7e]*$/.test(s)) continue;
    const r = fonts.resolve(s);
    if (!r.ok) missing.push(...r.missing);
  }
  return missing.length ? { ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: describeCodePoints(missing) } : { ok: true };
}
