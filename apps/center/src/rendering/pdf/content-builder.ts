/**
 * PDF content-stream operators, written as text. Text is kept as glyph ids of the full font until
 * the fonts are subset; `toBytes` then writes the subset's CIDs (Identity-H). Drawing needs no
 * fontkit layout per request: widths come from the cached hmtx.
 */
import type { FontSet, FontIndex, ResolvedGlyph } from '../fonts/font-set.js';

/** PDF number: at most 3 decimals, no exponent. */
export function num(n: number): string {
  const m = Math.round(n * 1000);
  // Integer arithmetic gives String(m / 1000)'s digits (the shortest form of a 3-decimal value)
  // without the double-to-string conversion; huge or non-finite values take the generic path.
  if (!(Math.abs(m) < 1e15)) return String(m / 1000);
  if (m % 1000 === 0) return m === 0 ? '0' : String(m / 1000);
  const abs = m < 0 ? -m : m;
  const int = Math.floor(abs / 1000);
  let frac = abs % 1000;
  let digits = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  const f = String(frac);
  return `${m < 0 ? '-' : ''}${int}.${f.length < digits ? '0'.repeat(digits - f.length) + f : f}`;
}

const HEX4: string[] = [];

/** Four hex digits (a CID or a UTF-16 unit, 0–0xFFFF); memoised, the strings depend on `n` alone. */
export function hex4(n: number): string {
  return (HEX4[n] ??= n.toString(16).padStart(4, '0'));
}

export class GlyphUsage {
  /** Per font: gid → the characters it stands for (first seen wins; used for ToUnicode). */
  readonly used: [Map<number, string>, Map<number, string>] = [new Map(), new Map()];
  record(g: ResolvedGlyph): void {
    const m = this.used[g.font];
    if (!m.has(g.gid)) m.set(g.gid, g.text);
  }
}

interface GlyphPart {
  font: FontIndex;
  gids: number[];
}

/** Maps a glyph id of the full font to the CID written for it. */
export type CidMapper = (font: FontIndex, gid: number) => number;

export class ContentBuilder {
  private readonly parts: (string | GlyphPart)[] = [];

  constructor(
    readonly fonts: FontSet,
    readonly usage: GlyphUsage,
  ) {}

  raw(op: string): this {
    this.parts.push(op);
    return this;
  }

  /** Width in points of already-resolved glyphs. */
  width(glyphs: readonly ResolvedGlyph[], size: number): number {
    let w = 0;
    for (const g of glyphs) w += (g.advance * size) / g.unitsPerEm;
    return w;
  }

  /** Draws glyphs with the baseline starting at (x, y). */
  glyphRun(glyphs: readonly ResolvedGlyph[], x: number, y: number, size: number, gray = 0): this {
    if (glyphs.length === 0) return this;
    this.parts.push(`BT ${num(gray)} g ${num(x)} ${num(y)} Td`);
    let run: GlyphPart | undefined;
    for (const g of glyphs) {
      if (!run || g.font !== run.font) {
        run = { font: g.font, gids: [] };
        this.parts.push(`/F${g.font} ${num(size)} Tf`, run);
      }
      this.usage.record(g);
      run.gids.push(g.gid);
    }
    this.parts.push('ET');
    return this;
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5): this {
    this.parts.push(`${num(width)} w 0 G ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
    return this;
  }

  rect(x: number, y: number, w: number, h: number, width = 0.5): this {
    this.parts.push(`${num(width)} w 0 G ${num(x)} ${num(y)} ${num(w)} ${num(h)} re S`);
    return this;
  }

  image(name: string, x: number, y: number, w: number, h: number): this {
    this.parts.push(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(y)} cm /${name} Do Q`);
    return this;
  }

  toBytes(cidOf: CidMapper): Uint8Array {
    const lines: string[] = new Array<string>(this.parts.length + 1);
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i]!;
      if (typeof part === 'string') lines[i] = part;
      else {
        let hex = '';
        for (const gid of part.gids) hex += hex4(cidOf(part.font, gid));
        lines[i] = `<${hex}> Tj`;
      }
    }
    lines[this.parts.length] = ''; // every operator line ends with a newline
    return Buffer.from(lines.join('\n'), 'latin1');
  }
}
