/**
 * Anti-copy background (地紋): a fine dot screen over the page, and inside the outline of a large
 * latent 「複写」 a coarser screen. Printed, both read as the same light tint; a photocopier drops
 * the fine dots and keeps the coarse ones, so 「複写」 appears on a copy.
 */
import type { PDFContext, PDFRef } from 'pdf-lib';
import { num, type ContentBuilder } from './content-builder.js';
import { plainStream } from './streams.js';

export const LATENT_TEXT = '複写';

function tilingPattern(context: PDFContext, ops: string): PDFRef {
  return context.register(
    plainStream(context, Buffer.from(ops, 'latin1'), {
      Type: 'Pattern',
      PatternType: 1,
      PaintType: 1,
      TilingType: 1,
      BBox: [0, 0, 4, 4],
      XStep: 4,
      YStep: 4,
      Resources: {},
    }),
  );
}

export function backgroundPatterns(context: PDFContext, tint: number): { fine: PDFRef; coarse: PDFRef } {
  return {
    fine: tilingPattern(context, `${num(tint)} g 1.6 1.6 0.7 0.7 re f`),
    coarse: tilingPattern(context, `${num(tint)} g 1.2 1.2 1.5 1.5 re f`),
  };
}

/** Ops for the background; the pattern resources are named P0 (fine) and P1 (coarse). */
export function drawBackground(c: ContentBuilder, pageWidth: number, pageHeight: number): void {
  const glyphs = c.fonts.glyphs(LATENT_TEXT);
  const size = 170;
  const w = c.width(glyphs, size);
  const x = (pageWidth - w) / 2;
  const y = pageHeight / 2 - size * 0.35;
  c.raw(`q /Pattern cs /P0 scn 0 0 ${num(pageWidth)} ${num(pageHeight)} re f Q`);
  c.raw('q 7 Tr');
  c.glyphRun(glyphs, x, y, size);
  c.raw(`1 g 0 0 ${num(pageWidth)} ${num(pageHeight)} re f /Pattern cs /P1 scn 0 0 ${num(pageWidth)} ${num(pageHeight)} re f Q`);
}
