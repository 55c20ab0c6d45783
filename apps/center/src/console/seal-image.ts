/**
 * A 公印 image upload, checked before anything is saved or rendered: base64 of a whole, valid PNG
 * (pngjs checks every chunk's CRC, the compressed data and the end chunk, so a truncated or damaged
 * file is refused), at most MAX_SEAL_IMAGE_BYTES and MAX_SEAL_PIXELS on each side (as its header
 * states, checked before the image is decoded), and one the renderer's own decoder reads. PNG only:
 * the renderer embeds PNG, and a seal is line art that JPEG's lossy compression would print with
 * grey specks around the strokes (the ink mask keeps every shade), so a JPEG is refused with a
 * message asking for PNG.
 */
import { createHash } from 'node:crypto';
import pngjs from 'pngjs';
import { MAX_SEAL_IMAGE_BYTES, MadoguchiError } from '@madoguchi/shared';
import { decodeInkImage } from '../rendering/pdf/ink-image.js';

export const MAX_SEAL_PIXELS = 2000;

export interface SealImage {
  pngBase64: string;
  sha256: string;
  widthPx: number;
  heightPx: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

const refuse = (message: string) => new MadoguchiError('SEAL_IMAGE_INVALID', message, [{ path: 'imageBase64', message }]);
const damaged = () => refuse('PNG 画像が壊れているか、途中までしかありません (a damaged or truncated PNG)');

/** Width and height from the IHDR chunk, which a PNG must start with; null when it does not. */
function sealDimensionsOf(bytes: Buffer): { widthPx: number; heightPx: number } | null {
  if (bytes.length < 24 || bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { widthPx: bytes.readUInt32BE(16), heightPx: bytes.readUInt32BE(20) };
}

export const sealSha256 = (pngBase64: string) => createHash('sha256').update(Buffer.from(pngBase64, 'base64')).digest('hex');

/** The checked image, or SEAL_IMAGE_INVALID (422) with a message saying what to do. */
export function checkSealImage(imageBase64: string): SealImage {
  const text = imageBase64.replace(/^data:image\/[a-z]+;base64,/, '').trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0 || text.length === 0)
    throw refuse('画像のデータ (base64) が正しくありません (not base64 image data)');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_SEAL_IMAGE_BYTES)
    throw refuse(`画像は${MAX_SEAL_IMAGE_BYTES / 1024}KB以下にしてください (${bytes.length} bytes; at most ${MAX_SEAL_IMAGE_BYTES})`);
  if (bytes.subarray(0, 3).equals(JPEG_SIGNATURE))
    throw refuse('JPEG は使えません。PNG 形式で保存し直してください (a JPEG, whatever its name: save the seal as PNG)');
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw refuse('PNG 画像ではありません (not a PNG image)');
  // The size the header states, before decoding: a few KB of compressed data can stand for
  // gigabytes of pixels, which a synchronous decode would inflate on the thread serving kiosks.
  const header = sealDimensionsOf(bytes);
  if (!header) throw damaged();
  if (header.widthPx > MAX_SEAL_PIXELS || header.heightPx > MAX_SEAL_PIXELS)
    throw refuse(`縦横${MAX_SEAL_PIXELS}ピクセル以下にしてください (${header.widthPx} × ${header.heightPx} px)`);
  let png: { width: number; height: number };
  try {
    png = pngjs.PNG.sync.read(bytes);
  } catch {
    throw damaged();
  }
  try {
    decodeInkImage(text, undefined, { keep: false });
  } catch {
    throw refuse('この PNG は印刷用に読み込めません。8ビットの RGB かグレースケールで保存してください (unsupported PNG variant)');
  }
  return {
    pngBase64: bytes.toString('base64'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    widthPx: png.width,
    heightPx: png.height,
  };
}

/** Width and height of a stored (already checked) seal. */
export function sealDimensions(pngBase64: string): { widthPx: number; heightPx: number } {
  return sealDimensionsOf(Buffer.from(pngBase64, 'base64')) ?? { widthPx: 0, heightPx: 0 };
}
