/** Rasterises PDF pages with poppler's pdftoppm (grayscale) and compares them pixel by pixel. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

function parsePgm(buf: Buffer): GrayImage {
  // P5\n<w> <h>\n<max>\n<bytes>
  let pos = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]!))) pos++;
    let t = '';
    while (!/\s/.test(String.fromCharCode(buf[pos]!))) t += String.fromCharCode(buf[pos++]!);
    tokens.push(t);
  }
  pos++;
  if (tokens[0] !== 'P5') throw new Error('not a binary PGM');
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  return { width, height, pixels: new Uint8Array(buf.subarray(pos, pos + width * height)) };
}

export function rasterise(pdf: Uint8Array, dpi = 100): GrayImage[] {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-raster-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', file, join(dir, 'page')]);
    const pages = readdirSync(dir)
      .filter((f) => f.endsWith('.pgm'))
      .sort();
    return pages.map((f) => parsePgm(readFileSync(join(dir, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Number of pixels whose gray level differs by more than `tolerance` (all of them if the sizes differ). */
export function differingPixels(a: GrayImage, b: GrayImage, tolerance = 24): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.pixels.length, b.pixels.length);
  let diff = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i]! - b.pixels[i]!) > tolerance) diff++;
  return diff;
}

/** Share of pixels whose gray level differs by more than `tolerance`. */
export function differingShare(a: GrayImage, b: GrayImage, tolerance = 24): number {
  return differingPixels(a, b, tolerance) / a.pixels.length;
}

/** Number of pixels darker than `level` (ink). */
export function inkPixels(img: GrayImage, level = 128): number {
  let ink = 0;
  for (const p of img.pixels) if (p < level) ink++;
  return ink;
}

/**
 * Differing pixels as a share of the reference render's ink. Measured against the whole page a
 * substituted glyph vanishes (𠮷田 for 吉田 is 0.004% of an A4 page at 100 dpi, ~35 pixels); measured
 * against the ink it is ~0.08% of a full 住民票 page.
 */
export function differingInkShare(actual: GrayImage, reference: GrayImage, tolerance = 24): number {
  return differingPixels(actual, reference, tolerance) / Math.max(1, inkPixels(reference));
}

/**
 * The glyph-integrity bound: "identical, or within 0.5% of pixels" read against the pixels that
 * carry ink, with the bound well under one glyph: 0.01% of the ink is ~4 pixels on a full page,
 * ~1 on a sparse one, while the smallest substitution (one stroke of 𠮷 vs 吉) is ~35. The subset
 * renders are in fact pixel-identical to the full-font ones.
 */
export const MAX_DIFFERING_INK_SHARE = 0.0001;

/** Share of pixels darker than `level` (ink). */
export function inkShare(img: GrayImage, level = 128): number {
  return inkPixels(img, level) / img.pixels.length;
}

/** Paints a rectangle (PDF points, origin bottom-left) white, e.g. to mask the QR code. */
export function blank(img: GrayImage, rect: { x: number; y: number; size: number; pageHeight: number }, dpi = 100): void {
  const s = dpi / 72;
  const x0 = Math.floor(rect.x * s) - 2;
  const x1 = Math.ceil((rect.x + rect.size) * s) + 2;
  const y0 = Math.floor((rect.pageHeight - rect.y - rect.size) * s) - 2;
  const y1 = Math.ceil((rect.pageHeight - rect.y) * s) + 2;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) img.pixels[y * img.width + x] = 255;
  }
}
