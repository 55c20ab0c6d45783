/**
 * A minimal PNG encoder (8-bit grayscale + alpha, stored deflate blocks) so the demo data can carry
 * seal images without Node's zlib: packages/shared must run in the renderer too.
 */
const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function writeU32(out: Uint8Array, at: number, n: number): void {
  out[at] = (n >>> 24) & 0xff;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeU32(out, 0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  writeU32(out, 8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `pixels` is width*height*2 bytes: gray, alpha. */
export function encodeGrayAlphaPng(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const stride = 1 + width * 2;
  const raw = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width * 2, (y + 1) * width * 2), y * stride + 1); // filter byte 0: none
  // zlib stream of stored (uncompressed) deflate blocks of at most 65535 bytes.
  const blockCount = Math.max(1, Math.ceil(raw.length / 65535));
  const z = new Uint8Array(2 + raw.length + blockCount * 5 + 4);
  z[0] = 0x78;
  z[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blockCount; b++) {
    const off = b * 65535;
    const len = Math.min(65535, raw.length - off);
    z[at++] = b === blockCount - 1 ? 1 : 0;
    z[at++] = len & 0xff;
    z[at++] = len >>> 8;
    z[at++] = ~len & 0xff;
    z[at++] = (~len >>> 8) & 0xff;
    z.set(raw.subarray(off, off + len), at);
    at += len;
  }
  writeU32(z, at, adler32(raw));
  const ihdr = new Uint8Array(13);
  writeU32(ihdr, 0, width);
  writeU32(ihdr, 4, height);
  ihdr.set([8, 4, 0, 0, 0], 8); // 8-bit, gray+alpha
  return concat([
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', z),
    chunk('IEND', new Uint8Array()),
  ]);
}

export function toBase64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    parts.push(
      alphabet[(n >>> 18) & 63]! +
        alphabet[(n >>> 12) & 63]! +
        (b === undefined ? '=' : alphabet[(n >>> 6) & 63]!) +
        (c === undefined ? '=' : alphabet[n & 63]!),
    );
  }
  return parts.join('');
}

/**
 * A seal impression: a ring (round for personal seals, square for the official seal) and a
 * pattern of strokes derived from `seed`, so each resident's registered seal differs.
 */
export function drawSealPng(options: { size: number; shape: 'round' | 'square'; seed: number; ink: number }): string {
  const { size, shape, seed, ink } = options;
  const px = new Uint8Array(size * size * 2);
  const c = (size - 1) / 2;
  const set = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    const i = (y * size + x) * 2;
    px[i] = ink;
    px[i + 1] = 255;
  };
  const ring = Math.max(2, Math.round(size / 16));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inRing =
        shape === 'round'
          ? Math.abs(Math.hypot(x - c, y - c) - (c - ring)) <= ring / 2 + 0.5
          : Math.min(x, y, size - 1 - x, size - 1 - y) < ring;
      if (inRing) set(x, y);
    }
  }
  // Strokes: a few horizontal and vertical bars inside the ring, placed by the seed.
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const inner = Math.floor(size * 0.22);
  for (let k = 0; k < 7; k++) {
    const horizontal = rnd() < 0.5;
    const pos = inner + Math.floor(rnd() * (size - 2 * inner));
    const start = inner + Math.floor(rnd() * (size / 4));
    const end = size - inner - Math.floor(rnd() * (size / 4));
    for (let t = start; t <= end; t++) {
      for (let w = 0; w < ring; w++) {
        if (horizontal) set(t, pos + w);
        else set(pos + w, t);
      }
    }
  }
  return toBase64(encodeGrayAlphaPng(size, size, px));
}
