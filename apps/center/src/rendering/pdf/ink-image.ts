/**
 * Seal images (公印 and a registered 印影) printed black whatever colour the PNG has: the image is
 * black (DeviceGray 0) and its soft mask is the ink coverage of the PNG. Decoding is cached —
 * immutable derived data, not per-request or per-municipality state — keyed by a content key when
 * the caller has one (the render workers get the official seal's SHA-256 from the pool), else by
 * the image's own base64 text (in-process callers; a Map lookup by a fresh 70 KB string hashes and
 * compares the whole string, which is why the workers do not use it).
 */
import { deflateSync } from 'node:zlib';
import type { PDFContext, PDFRef } from 'pdf-lib';
import { PNG } from 'pdf-lib/cjs/utils/png.js';
import { precompressedStream } from './streams.js';

export interface InkImage {
  width: number;
  height: number;
  /** All-zero (black) gray samples and the ink mask, raw and deflated. */
  black: { raw: Uint8Array; deflated: Uint8Array };
  mask: { raw: Uint8Array; deflated: Uint8Array };
}

/** By content key, and by the base64 text itself (a prefixed copy of a 70 KB key would be built and hashed per call). */
const byKey = new Map<string, InkImage>();
const byText = new Map<string, InkImage>();
const CACHE_LIMIT = 64;

/**
 * A 1×1 white PNG: what the check before payment lays a seal certificate out with instead of the registered
 * 印影 (rendering/printable.ts). A constant, not anyone's data: decoded once, however it is asked for (the layout
 * asks with keep: false, as for a real 印影), instead of a PNG decode and two deflates at every check.
 */
export const BLANK_INK_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC';
let blank: InkImage | undefined;

/**
 * `keep: false` for a resident's registered 印影: personal data, decoded for this request only and
 * never kept after it (only the municipalities' official seals are cached).
 */
export function decodeInkImage(pngBase64: string, contentKey?: string, { keep = true }: { keep?: boolean } = {}): InkImage {
  if (pngBase64 === BLANK_INK_PNG) return (blank ??= decoded(pngBase64));
  const cache = contentKey === undefined ? byText : byKey;
  const key = contentKey ?? pngBase64;
  const hit = keep ? cache.get(key) : undefined;
  if (hit) return hit;
  const image = decoded(pngBase64);
  if (!keep) return image;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, image);
  return image;
}

function decoded(pngBase64: string): InkImage {
  const png = PNG.load(Buffer.from(pngBase64, 'base64'));
  const n = png.width * png.height;
  const ink = new Uint8Array(n);
  const rgb = png.rgbChannel;
  const alpha = png.alphaChannel;
  for (let i = 0; i < n; i++) {
    const darkness = 255 - Math.min(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!);
    ink[i] = alpha ? Math.round((darkness * alpha[i]!) / 255) : darkness;
  }
  return {
    width: png.width,
    height: png.height,
    black: { raw: new Uint8Array(n), deflated: deflateSync(new Uint8Array(n), { level: 1 }) },
    mask: { raw: ink, deflated: deflateSync(ink, { level: 1 }) },
  };
}

export function embedInkImage(context: PDFContext, image: InkImage): PDFRef {
  const common = {
    Type: 'XObject',
    Subtype: 'Image',
    Width: image.width,
    Height: image.height,
    ColorSpace: 'DeviceGray',
    BitsPerComponent: 8,
  };
  const smask = context.register(precompressedStream(context, image.mask.deflated, common));
  return context.register(precompressedStream(context, image.black.deflated, { ...common, SMask: smask }));
}
