import { describe, expect, it } from 'vitest';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { layoutFor, MAX_SEAL_MM, municipalityLayouts } from '../layout/layout-profile.js';
import { decodeInkImage, embedInkImage } from './ink-image.js';

/** A 2×1 RGB PNG: one red pixel (a red seal), one white pixel (paper). */
function redAndWhitePng(): string {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit truecolour
  const raw = new Uint8Array([0, 255, 0, 0, 255, 255, 255]); // filter 0, red, white
  const png = Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
  return png.toString('base64');
}

describe('seal images', () => {
  it('turns ink into a mask over black samples, whatever the PNG colours', async () => {
    const image = decodeInkImage(redAndWhitePng());
    expect([image.width, image.height]).toEqual([2, 1]);
    expect([...image.mask.raw]).toEqual([255, 0]);
    expect([...image.black.raw]).toEqual([0, 0]);
    const doc = await PDFDocument.create();
    const ref = embedInkImage(doc.context, image);
    const dict = doc.context.lookup(ref)!.toString();
    expect(dict).toContain('/ColorSpace /DeviceGray');
    expect(dict).toContain('/SMask');
  });

  it('keeps an official seal decoded across requests, but never a resident’s 印影', () => {
    const png = redAndWhitePng();
    expect(decodeInkImage(png)).toBe(decodeInkImage(png));
    const once = decodeInkImage(png, 'resident-seal', { keep: false });
    expect(decodeInkImage(png, 'resident-seal', { keep: false })).not.toBe(once);
    // Nothing was left behind under that key for a later request to find.
    expect(decodeInkImage(png, 'resident-seal')).not.toBe(once);
  });

  it('never prints the official seal larger than 25 mm, whatever a layout says', () => {
    expect(MAX_SEAL_MM).toBe(25);
    for (const code of [...Object.keys(municipalityLayouts), '999999']) expect(layoutFor(code).sealSizeMm).toBeLessThanOrEqual(25);
  });
});
