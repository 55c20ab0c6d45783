/**
 * The verification QR code, drawn as vector squares (no image to decode, crisp at any printer resolution).
 *
 * The encoder is the one the verifier rebuilds byte for byte, so it must give exactly the symbol the
 * `qrcode` package (1.5) gives for `[{ data: Buffer.from(text, 'latin1'), mode: 'byte' }]`, level M,
 * mask pattern 2 — ISO/IEC 18004 leaves no freedom once segment, version, level and mask are fixed
 * (pdf/qr-code.test.ts compares the two across every version). It is written out here because the
 * package rebuilds the function patterns, the Reed–Solomon generator polynomials and a bit matrix of
 * objects for every code; here those depend on the version only and are built once per version
 * (immutable, no request data), so a request pays for its codewords and the drawing.
 */
import { num } from './content-builder.js';

/** Level M, per version 1–40: error-correction blocks and error-correction codewords in total. */
const EC_BLOCKS_M = [
  1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45,
  47, 49,
];
const EC_CODEWORDS_M = [
  10, 16, 26, 36, 48, 64, 72, 88, 110, 130, 150, 176, 198, 216, 240, 280, 308, 338, 364, 416, 442, 476, 504, 560, 588, 644, 700, 728, 784,
  812, 868, 924, 980, 1036, 1064, 1120, 1204, 1260, 1316, 1372,
];
/** Data + error-correction codewords per version 1–40. */
const TOTAL_CODEWORDS = [
  26, 44, 70, 100, 134, 172, 196, 242, 292, 346, 404, 466, 532, 581, 655, 733, 815, 901, 991, 1085, 1156, 1258, 1364, 1474, 1588, 1706,
  1828, 1921, 2051, 2185, 2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706,
];
const MASK_PATTERN = 2; // module (row, col) is inverted when col % 3 === 0
const EC_LEVEL_M_BITS = 0;

const GF_EXP = new Uint8Array(512);
const GF_LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    GF_EXP[i] = x;
    GF_LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) GF_EXP[i] = GF_EXP[i - 255]!;
}

function bchDigit(data: number): number {
  let digit = 0;
  while (data !== 0) {
    digit++;
    data >>>= 1;
  }
  return digit;
}

function bchEncode(data: number, shift: number, generator: number): number {
  const g = bchDigit(generator);
  let d = data << shift;
  while (bchDigit(d) - g >= 0) d ^= generator << (bchDigit(d) - g);
  return (data << shift) | d;
}

/** Generator polynomial of the given degree, highest coefficient first (leading 1 included). */
function generatorPolynomial(degree: number): Uint8Array {
  let poly = new Uint8Array([1]);
  for (let i = 0; i < degree; i++) {
    const next = new Uint8Array(poly.length + 1);
    for (let j = 0; j < poly.length; j++) {
      const c = poly[j]!;
      next[j]! ^= c;
      if (c !== 0) next[j + 1]! ^= GF_EXP[GF_LOG[c]! + i]!;
    }
    poly = next;
  }
  return poly;
}

interface Symbol {
  version: number;
  size: number;
  /** Byte-mode payload bytes this version holds at level M. */
  capacity: number;
  dataCodewords: number;
  blocks: number;
  ecPerBlock: number;
  /** factor × generator coefficient, for every factor 0–255 (Reed–Solomon without log lookups). */
  products: Uint8Array;
  /** Function patterns, format and version information; elsewhere the mask (a light data module, masked). */
  fixed: Uint8Array;
  /** Module indices (row * size + col) in data placement order. */
  dataModules: Int32Array;
}

const symbols = new Map<number, Symbol>();

function charCountBits(version: number): number {
  return version < 10 ? 8 : 16;
}

function capacityOf(version: number): number {
  const dataBits = (TOTAL_CODEWORDS[version - 1]! - EC_CODEWORDS_M[version - 1]!) * 8;
  return Math.floor((dataBits - 4 - charCountBits(version)) / 8);
}

function alignmentCoords(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const size = version * 4 + 17;
  const interval = size === 145 ? 26 : Math.ceil((size - 13) / (2 * count - 2)) * 2;
  const coords = [size - 7];
  for (let i = 1; i < count - 1; i++) coords[i] = coords[i - 1]! - interval;
  coords.push(6);
  return coords.reverse();
}

/** Marks one module as part of a fixed pattern, dark or light. */
type SetModule = (r: number, c: number, dark: boolean | number) => void;

function drawFinderPatterns(size: number, set: SetModule): void {
  for (const [row, col] of [
    [0, 0],
    [size - 7, 0],
    [0, size - 7],
  ] as const) {
    for (let r = -1; r <= 7; r++) {
      if (row + r <= -1 || size <= row + r) continue;
      for (let c = -1; c <= 7; c++) {
        if (col + c <= -1 || size <= col + c) continue;
        set(
          row + r,
          col + c,
          (r >= 0 && r <= 6 && (c === 0 || c === 6)) ||
            (c >= 0 && c <= 6 && (r === 0 || r === 6)) ||
            (r >= 2 && r <= 4 && c >= 2 && c <= 4),
        );
      }
    }
  }
}

function drawTimingPatterns(size: number, set: SetModule): void {
  for (let r = 8; r < size - 8; r++) {
    set(r, 6, r % 2 === 0);
    set(6, r, r % 2 === 0);
  }
}

function drawAlignmentPatterns(version: number, set: SetModule): void {
  const coords = alignmentCoords(version);
  for (let i = 0; i < coords.length; i++) {
    for (let j = 0; j < coords.length; j++) {
      if ((i === 0 && j === 0) || (i === 0 && j === coords.length - 1) || (i === coords.length - 1 && j === 0)) continue;
      const row = coords[i]!;
      const col = coords[j]!;
      for (let r = -2; r <= 2; r++)
        for (let c = -2; c <= 2; c++) set(row + r, col + c, r === -2 || r === 2 || c === -2 || c === 2 || (r === 0 && c === 0));
    }
  }
}

/** Format information (level M, the fixed mask), both copies, and the dark module. */
function drawFormatInformation(size: number, set: SetModule): void {
  const format = bchEncode((EC_LEVEL_M_BITS << 3) | MASK_PATTERN, 10, 0b10100110111) ^ 0b101010000010010;
  for (let i = 0; i < 15; i++) {
    const dark = (format >> i) & 1;
    if (i < 6) set(i, 8, dark);
    else if (i < 8) set(i + 1, 8, dark);
    else set(size - 15 + i, 8, dark);
    if (i < 8) set(8, size - i - 1, dark);
    else if (i < 9) set(8, 15 - i, dark);
    else set(8, 15 - i - 1, dark);
  }
  set(size - 8, 8, 1);
}

function drawVersionInformation(version: number, size: number, set: SetModule): void {
  if (version < 7) return;
  const bits = bchEncode(version, 12, 0b1111100100101);
  for (let i = 0; i < 18; i++) {
    const row = Math.floor(i / 3);
    const col = (i % 3) + size - 11;
    const dark = (bits >> i) & 1;
    set(row, col, dark);
    set(col, row, dark);
  }
}

/** Data placement: two-module columns right to left, zigzagging up and down, skipping column 6. */
function dataPlacementOrder(size: number, reserved: Uint8Array): number[] {
  const order: number[] = [];
  let inc = -1;
  let row = size - 1;
  for (let col = size - 1; col > 0; col -= 2) {
    if (col === 6) col--;
    for (;;) {
      for (let c = 0; c < 2; c++) if (!reserved[row * size + col - c]) order.push(row * size + col - c);
      row += inc;
      if (row < 0 || size <= row) {
        row -= inc;
        inc = -inc;
        break;
      }
    }
  }
  return order;
}

/** factor × generator coefficient for every factor 1–255 (factor 0 stays all zero). */
function generatorProducts(ecPerBlock: number): Uint8Array {
  const generator = generatorPolynomial(ecPerBlock);
  const products = new Uint8Array(256 * ecPerBlock);
  for (let f = 1; f < 256; f++) {
    for (let j = 0; j < ecPerBlock; j++) {
      const g = generator[j + 1]!;
      products[f * ecPerBlock + j] = g === 0 ? 0 : GF_EXP[GF_LOG[f]! + GF_LOG[g]!]!;
    }
  }
  return products;
}

function buildSymbol(version: number): Symbol {
  const size = version * 4 + 17;
  const fixed = new Uint8Array(size * size);
  const reserved = new Uint8Array(size * size);
  const set: SetModule = (r, c, dark) => {
    fixed[r * size + c] = dark ? 1 : 0;
    reserved[r * size + c] = 1;
  };
  drawFinderPatterns(size, set);
  drawTimingPatterns(size, set);
  drawAlignmentPatterns(version, set);
  drawFormatInformation(size, set);
  drawVersionInformation(version, size, set);
  const order = dataPlacementOrder(size, reserved);
  const dataModules = Int32Array.from(order);
  for (const i of order) fixed[i] = (i % size) % 3 === 0 ? 1 : 0;
  const total = TOTAL_CODEWORDS[version - 1]!;
  const blocks = EC_BLOCKS_M[version - 1]!;
  const dataCodewords = total - EC_CODEWORDS_M[version - 1]!;
  const ecPerBlock = Math.floor(total / blocks) - Math.floor(dataCodewords / blocks);
  return {
    version,
    size,
    capacity: capacityOf(version),
    dataCodewords,
    blocks,
    ecPerBlock,
    products: generatorProducts(ecPerBlock),
    fixed,
    dataModules,
  };
}

function symbolFor(length: number): Symbol {
  for (let version = 1; version <= 40; version++) {
    if (length > capacityOf(version)) continue;
    let s = symbols.get(version);
    if (!s) symbols.set(version, (s = buildSymbol(version)));
    return s;
  }
  throw new Error('The amount of data is too big to be stored in a QR Code');
}

/**
 * Error-correction codewords of `data[from, from + n)` written to `out[at, at + ec)` (in place:
 * `out` is the remainder register). `products[f * ec + j]` = f × (generator coefficient j + 1).
 */
function reedSolomon(data: Uint8Array, from: number, n: number, products: Uint8Array, ec: number, out: Uint8Array, at: number): void {
  const last = at + ec - 1;
  for (let i = 0; i < n; i++) {
    const p = (data[from + i]! ^ out[at]!) * ec;
    for (let j = at; j < last; j++) out[j] = out[j + 1]! ^ products[p + j - at]!;
    out[last] = products[p + ec - 1]!;
  }
}

/** The QR symbol for `text` (byte mode, each UTF-16 unit's low byte): modules row-major, 1 = dark. */
export function encodeQr(text: string): { size: number; modules: Uint8Array } {
  const length = text.length;
  const s = symbolFor(length);
  const { version, dataCodewords, blocks, ecPerBlock } = s;
  // Data codewords: mode 0100, character count, the bytes, terminator, padding.
  const data = new Uint8Array(dataCodewords);
  const ccBits = charCountBits(version);
  let acc = 0b0100;
  let accBits = 4;
  let k = 0;
  const put = (value: number, bits: number) => {
    acc = (acc << bits) | value;
    accBits += bits;
    while (accBits >= 8) {
      accBits -= 8;
      data[k++] = (acc >>> accBits) & 0xff;
    }
    acc &= (1 << accBits) - 1;
  };
  put(length, ccBits);
  for (let i = 0; i < length; i++) put(text.charCodeAt(i) & 0xff, 8);
  const bitLength = k * 8 + accBits;
  if (bitLength + 4 <= dataCodewords * 8) put(0, 4);
  if (accBits > 0) put(0, 8 - accBits);
  for (let pad = 0; k < dataCodewords; pad++) data[k++] = pad % 2 ? 0x11 : 0xec;

  // Blocks (group 2 blocks hold one more data codeword), interleaved.
  const total = dataCodewords + blocks * ecPerBlock;
  const group2 = total % blocks;
  const group1 = blocks - group2;
  const short = Math.floor(dataCodewords / blocks);
  const ec = new Uint8Array(blocks * ecPerBlock);
  const codewords = new Uint8Array(total);
  let offset = 0;
  for (let b = 0; b < blocks; b++) {
    const n = b < group1 ? short : short + 1;
    reedSolomon(data, offset, n, s.products, ecPerBlock, ec, b * ecPerBlock);
    offset += n;
  }
  let index = 0;
  for (let i = 0; i <= short; i++) {
    let start = 0;
    for (let b = 0; b < blocks; b++) {
      const n = b < group1 ? short : short + 1;
      if (i < n) codewords[index++] = data[start + i]!;
      start += n;
    }
  }
  for (let i = 0; i < ecPerBlock; i++) for (let b = 0; b < blocks; b++) codewords[index++] = ec[b * ecPerBlock + i]!;

  // Data modules start as the mask (light, masked); a dark bit inverts its module. Modules past
  // the codewords (remainder bits) stay light.
  const modules = s.fixed.slice();
  const positions = s.dataModules;
  for (let k = 0; k < total; k++) {
    const byte = codewords[k]!;
    if (byte === 0) continue;
    const base = k * 8;
    for (let b = 0; b < 8; b++) if ((byte >> (7 - b)) & 1) modules[positions[base + b]!]! ^= 1;
  }
  return { size: s.size, modules };
}

/** Writes the decimal digits of a non-negative integer at `at`; returns the new offset. */
function writeInt(out: Uint8Array, at: number, v: number): number {
  if (v >= 100) out[at++] = 48 + Math.floor(v / 100);
  if (v >= 10) out[at++] = 48 + (Math.floor(v / 10) % 10);
  out[at++] = 48 + (v % 10);
  return at;
}

/**
 * The drawing of `text` as a QR code filling `rect`, as the bytes of the verification stream (the
 * verifier rebuilds them byte for byte): white square, one scaling matrix, then each run of dark
 * modules in a row as `x y w 1 re` in module units, filled at once.
 */
export function qrStream(text: string, rect: { x: number; y: number; size: number }): Uint8Array {
  const { x, y, size } = rect;
  // One byte-mode segment and a fixed mask: the library's optimal segmentation and mask search
  // cost ~9 ms per code; any mask is valid, and the payload is short ASCII.
  const qr = encodeQr(text);
  const n = qr.size;
  // ISO/IEC 18004: a quiet zone of 4 modules on every side.
  const quiet = 4;
  const total = n + quiet * 2;
  const cell = size / total;
  const head = `q\n1 g ${num(x)} ${num(y)} ${num(size)} ${num(size)} re f\n${num(cell)} 0 0 ${num(cell)} ${num(x)} ${num(y)} cm\n0 g`;
  // A row has at most ⌈n/2⌉ runs of at most "\nddd ddd ddd 1 re" (17 bytes); coordinates < 1000.
  const out = new Uint8Array(head.length + n * Math.ceil(n / 2) * 17 + 4);
  let at = Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(head, 0, 'latin1');
  const data = qr.modules;
  for (let r = 0; r < n; r++) {
    const row = total - quiet - 1 - r;
    const base = r * n;
    let c = 0;
    while (c < n) {
      if (!data[base + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && data[base + c]) c++;
      out[at++] = 10; // \n
      at = writeInt(out, at, start + quiet);
      out[at++] = 32;
      at = writeInt(out, at, row);
      out[at++] = 32;
      at = writeInt(out, at, c - start);
      out[at++] = 32;
      out[at++] = 49; // 1
      out[at++] = 32;
      out[at++] = 114; // r
      out[at++] = 101; // e
    }
  }
  out.set([10, 102, 10, 81], at); // \nf\nQ
  return out.slice(0, at + 4);
}

/** `qrStream` as text. */
export function qrOps(text: string, rect: { x: number; y: number; size: number }): string {
  return Buffer.from(qrStream(text, rect)).toString('latin1');
}
