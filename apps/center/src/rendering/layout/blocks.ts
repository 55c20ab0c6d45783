/**
 * The body of a certificate is a list of blocks stacked top to bottom; the paginator decides the
 * pages. Text is fitted when a block is made (shrink, then refuse), so pagination is pure arithmetic
 * and no page is ever drawn with truncated text.
 */
import { MadoguchiError } from '@madoguchi/shared';
import type { ResolvedGlyph } from '../fonts/font-set.js';
import type { ContentBuilder } from '../pdf/content-builder.js';
import { TYPOGRAPHY as T, type LayoutProfile } from './layout-profile.js';

export interface Block {
  height: number;
  /** Start a new page before this block (e.g. the 5th person of a household form). */
  breakBefore?: boolean;
  draw(c: ContentBuilder, top: number): void;
}

export interface FittedText {
  glyphs: ResolvedGlyph[];
  size: number;
  width: number;
}

/** Shrinks text until it fits `maxWidth`; refuses below the profile's minimum size. */
export function fit(c: ContentBuilder, text: string, maxWidth: number, size: number, minSize: number, field: string): FittedText {
  const glyphs = c.fonts.glyphs(text);
  const natural = c.width(glyphs, 1);
  let s = size;
  if (natural * s > maxWidth) s = Math.floor((maxWidth / natural) * T.fitSteps) / T.fitSteps;
  if (s < minSize)
    throw new MadoguchiError(
      'ISSUANCE_TEXT_OVERFLOW',
      `${field}: needs ${(natural * minSize).toFixed(0)}pt at ${minSize}pt, has ${maxWidth.toFixed(0)}pt`,
    );
  return { glyphs, size: s, width: natural * s };
}

export interface Cell {
  label?: string;
  value: string;
  /** Share of the row width (weights are normalised). */
  weight?: number;
  /** Field name for overflow messages (never the value: it is personal data). */
  field?: string;
  /** Value drawn smaller above the main value (furigana). */
  ruby?: string;
}

export interface Geometry {
  left: number;
  right: number;
  profile: LayoutProfile;
  labelWidth: number;
}

/** A bordered table row of label/value cells. */
export function row(
  c: ContentBuilder,
  g: Geometry,
  cells: Cell[],
  opts: { height?: number; breakBefore?: boolean; border?: boolean } = {},
): Block {
  const p = g.profile;
  const hasRuby = cells.some((x) => x.ruby);
  const height = opts.height ?? (hasRuby ? p.rowHeight + p.labelSize + T.rubyRowExtra : p.rowHeight);
  const total = cells.reduce((s, x) => s + (x.weight ?? 1), 0);
  const width = g.right - g.left;
  let x = g.left;
  const placed = cells.map((cell) => {
    const w = (width * (cell.weight ?? 1)) / total;
    const labelW = cell.label ? Math.min(g.labelWidth, w * T.labelShareMax) : 0;
    const pad = T.cellPadding;
    const label = cell.label ? fit(c, cell.label, labelW - pad * 2, p.labelSize, p.minTextSize, 'label') : undefined;
    const value = fit(c, cell.value, w - labelW - pad * 2, p.bodySize, p.minTextSize, cell.field ?? cell.label ?? 'value');
    const ruby = cell.ruby
      ? fit(
          c,
          cell.ruby,
          w - labelW - pad * 2,
          p.labelSize - T.rubySizeStep,
          p.minTextSize - T.rubySizeStep,
          `${cell.field ?? cell.label ?? 'value'}.ruby`,
        )
      : undefined;
    const at = { x, w, labelW, pad, label, value, ruby };
    x += w;
    return at;
  });
  return {
    height,
    breakBefore: opts.breakBefore,
    draw(cb, top) {
      const bottom = top - height;
      if (opts.border !== false) cb.rect(g.left, bottom, width, height, T.rule);
      for (const cell of placed) {
        if (cell.x > g.left && opts.border !== false) cb.line(cell.x, bottom, cell.x, top, T.rule);
        if (cell.label) {
          if (opts.border !== false) cb.line(cell.x + cell.labelW, bottom, cell.x + cell.labelW, top, T.hairline);
          cb.glyphRun(cell.label.glyphs, cell.x + cell.pad, bottom + (height - cell.label.size) / 2 + T.labelOpticalLift, cell.label.size);
        }
        const vx = cell.x + cell.labelW + cell.pad;
        cb.glyphRun(cell.value.glyphs, vx, bottom + T.valueBaseline, cell.value.size);
        if (cell.ruby) cb.glyphRun(cell.ruby.glyphs, vx, top - cell.ruby.size - T.rubyGap, cell.ruby.size);
      }
    },
  };
}

/** One line of text (戸籍 style 【label】value lines, section titles). */
export function textLine(
  c: ContentBuilder,
  g: Geometry,
  text: string,
  opts: { indent?: number; size?: number; field?: string; breakBefore?: boolean; gap?: number } = {},
): Block {
  const p = g.profile;
  const size = opts.size ?? p.bodySize;
  const indent = opts.indent ?? 0;
  const t = fit(c, text, g.right - g.left - indent, size, p.minTextSize, opts.field ?? 'line');
  const height = size * T.lineHeight + (opts.gap ?? 0);
  return {
    height,
    breakBefore: opts.breakBefore,
    draw(cb, top) {
      cb.glyphRun(t.glyphs, g.left + indent, top - (opts.gap ?? 0) - size * T.baselineDrop, t.size);
    },
  };
}

export function spacer(height: number): Block {
  return { height, draw() {} };
}
