/**
 * The fonts a certificate may use, in order: BIZ UDMincho (main), then IPAmj明朝 for IVS sequences
 * and MJ characters. `resolve` turns text into glyphs and refuses — with the code points only, never
 * the text, since it is personal data — any character no font has exactly.
 */
import { MadoguchiError } from '@madoguchi/shared';
import { FontFace, type SubsetStrategy } from './font-face.js';
import { mainFontPath, mjFontPath, readFontBytes } from './font-files.js';

export const MAIN_FONT = 0;
export const MJ_FONT = 1;
export type FontIndex = typeof MAIN_FONT | typeof MJ_FONT;

export interface ResolvedGlyph {
  readonly font: FontIndex;
  readonly gid: number;
  /** The characters this glyph stands for (base + selector), for ToUnicode. */
  readonly text: string;
  /** Advance width in font units, and the face's units per em (read once with the glyph). */
  readonly advance: number;
  readonly unitsPerEm: number;
}

export type Resolution = { ok: true; glyphs: ResolvedGlyph[] } | { ok: false; missing: number[] };

export function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** Characters that are layout, not ink: never looked up. */
function isIgnorable(cp: number): boolean {
  return cp === 0x200b || cp === 0xfeff;
}

export class FontSet {
  readonly faces: [FontFace, FontFace | undefined];
  private mjLoaded = false;
  private mj: FontFace | undefined;
  /**
   * Code point (no selector) → its glyph: what the read-only cmaps say, frozen and shared like the
   * faces' own lookup caches. Holds font data only, never which request asked.
   */
  private readonly plain = new Map<number, ResolvedGlyph>();
  /**
   * Whole text → its resolution, when `textMemo` is set (the eligibility checker's set only: rendering/printable.ts).
   * A pure function of the text and these read-only fonts, keyed by the full text, so it cannot answer for another
   * text; it keeps no request, resident or call, only the strings themselves, and at most `textMemo` of them.
   */
  private readonly texts: Map<string, Resolution> | undefined;

  /**
   * `mainStrategy` exists for the benchmark's naive baseline (fontkit subsetting). `textMemo`: how many whole texts'
   * resolutions to keep (the layout check before payment fits the same labels, names and addresses for every type of a
   * menu, and again at the quote and the payment).
   */
  constructor(private readonly options: { fontDir?: string; mainStrategy?: SubsetStrategy; textMemo?: number } = {}) {
    this.faces = [new FontFace('BIZUDMincho-Regular', readFontBytes(mainFontPath()), options.mainStrategy ?? 'harfbuzz'), undefined];
    this.texts = options.textMemo ? new Map() : undefined;
  }

  get main(): FontFace {
    return this.faces[0];
  }

  /** IPAmj明朝, loaded on first need (46 MB); undefined when not installed. */
  mjFace(): FontFace | undefined {
    if (!this.mjLoaded) {
      this.mjLoaded = true;
      const path = mjFontPath(this.options.fontDir);
      if (path) this.mj = new FontFace('IPAmjMincho', readFontBytes(path), 'fontkit');
      this.faces[1] = this.mj;
    }
    return this.mj;
  }

  face(index: FontIndex): FontFace {
    const f = index === MAIN_FONT ? this.main : this.mjFace();
    if (!f) throw new Error('font not loaded');
    return f;
  }

  resolve(text: string): Resolution {
    const memo = this.texts;
    if (!memo) return this.walked(text);
    let resolution = memo.get(text);
    if (resolution) return resolution;
    resolution = this.walked(text);
    // Frozen: every caller of a memoised text shares the one answer.
    Object.freeze(resolution.ok ? resolution.glyphs : resolution.missing);
    if (memo.size >= this.options.textMemo!) memo.clear();
    memo.set(text, Object.freeze(resolution));
    return resolution;
  }

  private walked(text: string): Resolution {
    const glyphs: ResolvedGlyph[] = [];
    const missing: number[] = [];
    this.walk(text, glyphs, missing);
    return missing.length ? { ok: false, missing } : { ok: true, glyphs };
  }

  /**
   * Adds to `missing` what resolve(text) would answer missing, without collecting the glyphs: eligibility's
   * character check (rendering/printable.ts) asks this of every string of every menu item.
   */
  addMissing(text: string, missing: number[]): void {
    // Not through the texts' memo: a walk of a fresh string costs about what hashing it for the memo does.
    this.walk(text, null, missing);
  }

  /** resolve's one loop: the glyphs into `glyphs` (unless null), the code points no font has into `missing`. */
  private walk(text: string, glyphs: ResolvedGlyph[] | null, missing: number[]): void {
    const n = text.length;
    for (let i = 0; i < n;) {
      const cp = text.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      if (isIgnorable(cp)) continue;
      const next = i < n ? text.codePointAt(i) : undefined;
      const selector = next !== undefined && isVariationSelector(next) ? next : undefined;
      if (selector === undefined) {
        const known = this.plain.get(cp);
        if (known) {
          glyphs?.push(known);
          continue;
        }
      } else i += selector > 0xffff ? 2 : 1;
      if (isVariationSelector(cp)) {
        missing.push(cp); // a selector with no base character
        continue;
      }
      const chars = selector === undefined ? String.fromCodePoint(cp) : String.fromCodePoint(cp, selector);
      let glyph: ResolvedGlyph | undefined;
      let gid = this.main.glyphId(cp, selector);
      if (gid)
        glyph = Object.freeze({ font: MAIN_FONT, gid, text: chars, advance: this.main.advance(gid), unitsPerEm: this.main.unitsPerEm });
      else {
        const mj = this.mjFace();
        gid = mj ? mj.glyphId(cp, selector) : 0;
        if (gid) glyph = Object.freeze({ font: MJ_FONT, gid, text: chars, advance: mj!.advance(gid), unitsPerEm: mj!.unitsPerEm });
      }
      if (!glyph) {
        missing.push(...(selector === undefined ? [cp] : [cp, selector]));
        continue;
      }
      if (selector === undefined) this.plain.set(cp, glyph);
      glyphs?.push(glyph);
    }
  }

  /** Like resolve, but a missing character refuses the certificate. */
  glyphs(text: string): ResolvedGlyph[] {
    const r = this.resolve(text);
    if (!r.ok) throw new MadoguchiError('ELIGIBILITY_UNPRINTABLE_CHARACTER', describeCodePoints(r.missing));
    return r.glyphs;
  }
}

export function describeCodePoints(cps: readonly number[]): string {
  const unique = [...new Set(cps)];
  return unique.map((cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}
