// fontkit ships no types; packages type-checking this file (test/) must see the declaration too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- see the line above
/// <reference path="./fontkit.d.ts" />
/**
 * One font as the renderer sees it: strict glyph lookup (a variation sequence counts only when the
 * font's cmap 14 lists it — fontkit itself silently falls back to the base glyph, which would print
 * a substitute), advance widths, and subsetting. Parsed once per process and then read-only.
 */
import { create, type FontkitFont } from 'fontkit';
import { HbSubsetFace } from './hb-subsetter.js';

export interface SubsetFont {
  /** TrueType bytes to embed. */
  bytes: Uint8Array;
  /** CID to write in the content stream for a glyph id of the full font. */
  cidOf(gid: number): number;
}

export type SubsetStrategy = 'harfbuzz' | 'fontkit' | 'full';

export class FontFace {
  readonly font: FontkitFont;
  readonly unitsPerEm: number;
  private readonly nominal = new Map<number, number>();
  private readonly advances = new Map<number, number>();
  private readonly variations: Map<number, Map<number, number>>;
  private hbFace: HbSubsetFace | undefined;
  /** Font-wide metrics for the PDF font descriptor (read once). */
  readonly metrics: { bbox: [number, number, number, number]; ascent: number; descent: number; capHeight: number };

  constructor(
    readonly name: string,
    readonly bytes: Uint8Array,
    private readonly strategy: SubsetStrategy,
  ) {
    this.font = create(bytes);
    this.unitsPerEm = this.font.unitsPerEm;
    this.variations = readVariationSequences(this.font);
    const f = this.font;
    this.metrics = {
      bbox: [f.bbox.minX, f.bbox.minY, f.bbox.maxX, f.bbox.maxY],
      ascent: f.ascent,
      descent: f.descent,
      capHeight: f.capHeight || f.ascent,
    };
  }

  /** Glyph id for a code point, optionally with a variation selector; 0 when the font lacks it. */
  glyphId(codePoint: number, selector?: number): number {
    if (selector !== undefined) {
      const gid = this.variations.get(selector)?.get(codePoint);
      if (gid === undefined) return 0;
      // -1 marks a default UVS entry: the nominal glyph is the registered shape.
      return gid === -1 ? this.nominalGlyph(codePoint) : gid;
    }
    return this.nominalGlyph(codePoint);
  }

  private nominalGlyph(codePoint: number): number {
    let gid = this.nominal.get(codePoint);
    if (gid === undefined) {
      gid = this.font._cmapProcessor.lookup(codePoint) ?? 0;
      this.nominal.set(codePoint, gid);
    }
    return gid;
  }

  /** Advance width in font units. */
  advance(gid: number): number {
    let w = this.advances.get(gid);
    if (w === undefined) {
      w = this.font.getGlyph(gid).advanceWidth;
      this.advances.set(gid, w);
    }
    return w;
  }

  /** `gids` as a set, or as an array sorted ascending without duplicates. */
  subset(gids: ReadonlySet<number> | readonly number[], strategy: SubsetStrategy = this.strategy): SubsetFont {
    if (strategy === 'full') return { bytes: this.bytes, cidOf: (gid) => gid };
    const ascending = Array.isArray(gids) ? (gids as readonly number[]) : [...gids].sort((a, b) => a - b);
    if (strategy === 'harfbuzz') {
      this.hbFace ??= HbSubsetFace.shared(this.bytes);
      const sorted = ascending[0] === 0 ? ascending : [0, ...ascending];
      // Without retained ids HarfBuzz numbers glyphs by rank of their old id. That holds only if
      // the subset has no extra glyphs (composite components); otherwise keep the old ids.
      const compact = this.hbFace.subset(sorted, false);
      if (numGlyphs(compact) === sorted.length) {
        // gid → rank + 1 as a typed array (2 bytes per glyph of the face; cidOf runs once per glyph
        // drawn); 0 = not in the subset, which must fail rather than draw .notdef.
        const rank = sorted.length < 0xffff && this.font.numGlyphs <= 0x10000 ? new Uint16Array(this.font.numGlyphs) : undefined;
        if (rank) {
          for (let i = 0; i < sorted.length; i++) rank[sorted[i]!] = i + 1;
          return {
            bytes: compact,
            cidOf: (gid) => {
              const r = rank[gid];
              if (!r) throw new Error(`glyph ${gid} not in subset`);
              return r - 1;
            },
          };
        }
        const ranks = new Map<number, number>();
        for (let i = 0; i < sorted.length; i++) ranks.set(sorted[i]!, i);
        return { bytes: compact, cidOf: (gid) => ranks.get(gid)! };
      }
      return { bytes: this.hbFace.subset(sorted, true), cidOf: (gid) => gid };
    }
    // fontkit renumbers glyphs in inclusion order; used for IPAmj明朝, whose 46 MB exceed the
    // memory of the HarfBuzz WebAssembly build.
    const subset = this.font.createSubset();
    const map = new Map<number, number>();
    for (const gid of ascending) map.set(gid, subset.includeGlyph(gid));
    const bytes = subset.encode();
    return {
      bytes,
      cidOf: (gid) => {
        const cid = map.get(gid);
        if (cid === undefined) throw new Error(`glyph ${gid} not in subset`);
        return cid;
      },
    };
  }
}

/** numGlyphs from the maxp table of a TrueType font. */
function numGlyphs(font: Uint8Array): number {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = view.getUint16(4);
  for (let i = 0; i < tables; i++) {
    const record = 12 + i * 16;
    if (view.getUint32(record) === 0x6d617870 /* maxp */) return view.getUint16(view.getUint32(record + 8) + 4);
  }
  return -1;
}

function readVariationSequences(font: FontkitFont): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  const uvs = font._cmapProcessor.uvs;
  if (!uvs) return out;
  for (const sel of uvs.varSelectors.toArray()) {
    const m = new Map<number, number>();
    for (const r of sel.defaultUVS ?? []) {
      for (let cp = r.startUnicodeValue; cp <= r.startUnicodeValue + r.additionalCount; cp++) m.set(cp, -1);
    }
    for (const e of sel.nonDefaultUVS ?? []) m.set(e.unicodeValue, e.glyphID);
    out.set(sel.varSelector, m);
  }
  return out;
}
