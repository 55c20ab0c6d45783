import { describe, expect, it } from 'vitest';
import { MAX_SEAL_IMAGE_BYTES } from '@madoguchi/shared';
import { fromBase64, sealFileProblem, toBase64 } from './seal-file.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]);

describe('sealFileProblem', () => {
  it('accepts PNG by its first bytes and refuses JPEG, which the center does not take', () => {
    expect(sealFileProblem(png)).toBeNull();
    expect(sealFileProblem(jpeg)).toBe('notPng');
  });

  it('refuses a file that is not an image (whatever its name), an empty one and one over the limit', () => {
    expect(sealFileProblem(new TextEncoder().encode('GIF89a...'))).toBe('notPng');
    expect(sealFileProblem(new Uint8Array())).toBe('empty');
    const large = new Uint8Array(MAX_SEAL_IMAGE_BYTES + 1);
    large.set(png);
    expect(sealFileProblem(large)).toBe('tooLarge');
  });
});

describe('base64', () => {
  it('round-trips bytes larger than one conversion chunk', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(fromBase64(text)).toEqual(bytes);
  });
});
