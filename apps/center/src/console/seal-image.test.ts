import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { MAX_SEAL_IMAGE_BYTES, MadoguchiError } from '@madoguchi/shared';
import { MAX_SEAL_PIXELS, checkSealImage, sealDimensions } from './seal-image.js';

/** An RGB PNG with a dark square in the middle, as a seal scan is: ink on white. */
function sealPng(width: number, height: number): Buffer {
  const png = new pngjs.PNG({ width, height, colorType: 2, inputHasAlpha: false });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ink = x > width / 4 && x < (3 * width) / 4 && y > height / 4 && y < (3 * height) / 4;
      png.data.set(ink ? [200, 20, 20, 255] : [255, 255, 255, 255], (y * width + x) * 4);
    }
  }
  return pngjs.PNG.sync.write(png, { colorType: 2 });
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A well-formed 1-bit greyscale PNG of `width` × `height` white pixels: tiny on disk, huge decoded. */
function blankBitmapPng(width: number, height: number, idat?: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const rows = idat ?? deflateSync(Buffer.alloc((1 + Math.ceil(width / 8)) * height, 0), { level: 9 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

/** The refusal `checkSealImage` throws for `bytes` (the test fails if it accepts them). */
function refusalOf(bytes: Buffer | string): MadoguchiError {
  try {
    checkSealImage(typeof bytes === 'string' ? bytes : bytes.toString('base64'));
  } catch (error) {
    if (error instanceof MadoguchiError) return error;
    throw error;
  }
  throw new Error('expected SEAL_IMAGE_INVALID');
}

describe('the 公印 image check', () => {
  it('accepts a whole PNG, from base64 or a data: URL, with its size and the SHA-256 of its bytes', () => {
    const png = sealPng(120, 90);
    const checked = checkSealImage(png.toString('base64'));
    expect(checked).toEqual({
      pngBase64: png.toString('base64'),
      sha256: createHash('sha256').update(png).digest('hex'),
      widthPx: 120,
      heightPx: 90,
    });
    expect(checkSealImage(`data:image/png;base64,${png.toString('base64')}`)).toEqual(checked);
    expect(sealDimensions(checked.pngBase64)).toEqual({ widthPx: 120, heightPx: 90 });
  });

  it('accepts a 1 × 1 PNG (the smallest image there is) and reads its size', () => {
    const checked = checkSealImage(sealPng(1, 1).toString('base64'));
    expect([checked.widthPx, checked.heightPx]).toEqual([1, 1]);
    expect(sealDimensions(checked.pngBase64)).toEqual({ widthPx: 1, heightPx: 1 });
  });

  it('refuses a truncated PNG and a PNG signature followed by garbage as damaged', () => {
    const png = sealPng(64, 64);
    for (const damaged of [
      png.subarray(0, png.length - 20),
      png.subarray(0, 40),
      Buffer.concat([SIGNATURE, Buffer.from('garbage, not chunks')]),
    ]) {
      const error = refusalOf(damaged);
      expect(error.code).toBe('SEAL_IMAGE_INVALID');
      expect(error.message).toContain('damaged or truncated');
    }
  });

  it('refuses a JPEG (asking for PNG), and what is no image at all', () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\u0000 and the rest')]);
    expect(refusalOf(jpeg).message).toContain('save the seal as PNG');
    expect(refusalOf(Buffer.from('GIF89a and more')).message).toContain('not a PNG image');
    expect(refusalOf('not base64 at all!').message).toContain('not base64');
    expect(refusalOf('').code).toBe('SEAL_IMAGE_INVALID');
  });

  it(`refuses more than ${MAX_SEAL_PIXELS} px on a side and accepts exactly ${MAX_SEAL_PIXELS}`, () => {
    expect(refusalOf(sealPng(MAX_SEAL_PIXELS + 1, 1)).message).toContain(`${MAX_SEAL_PIXELS + 1} × 1 px`);
    expect(refusalOf(sealPng(1, MAX_SEAL_PIXELS + 1)).message).toContain(`1 × ${MAX_SEAL_PIXELS + 1} px`);
    expect(checkSealImage(sealPng(MAX_SEAL_PIXELS, 2).toString('base64')).widthPx).toBe(MAX_SEAL_PIXELS);
  });

  it('refuses a PNG by the size its header states, before decoding it (a few KB that decode to gigabytes)', () => {
    // Garbage where the image data should be: only a check of the header can name the size.
    const claimed = blankBitmapPng(30_000, 30_000, Buffer.from('not deflate data'));
    expect(refusalOf(claimed).message).toContain('30000 × 30000 px');
    // A real one: 8000 × 8000 one-bit pixels fit in a few KB; decoded as RGBA they are 256 MB.
    const bomb = blankBitmapPng(8000, 8000);
    expect(bomb.length).toBeLessThan(16 * 1024);
    expect(refusalOf(bomb).message).toContain('8000 × 8000 px');
  });

  it(`refuses more than ${MAX_SEAL_IMAGE_BYTES / 1024} KB`, () => {
    const big = Buffer.concat([SIGNATURE, Buffer.alloc(MAX_SEAL_IMAGE_BYTES, 7)]);
    expect(refusalOf(big).message).toContain(`at most ${MAX_SEAL_IMAGE_BYTES}`);
  });
});
