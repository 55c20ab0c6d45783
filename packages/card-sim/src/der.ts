/** The few DER encodings an X.509 certificate and CRL need; small enough to read in one sitting. */
export type Der = Uint8Array;

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...contents: Der[]): Der {
  const total = contents.reduce((sum, c) => sum + c.length, 0);
  const header = [tag, ...lengthBytes(total)];
  const out = new Uint8Array(header.length + total);
  out.set(header, 0);
  let at = header.length;
  for (const c of contents) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const sequence = (...items: Der[]): Der => tlv(0x30, ...items);
export const set = (...items: Der[]): Der => tlv(0x31, ...items);
export const explicit = (n: number, inner: Der): Der => tlv(0xa0 | n, inner);
export const implicitPrimitive = (n: number, content: Uint8Array): Der => tlv(0x80 | n, content);
export const nullValue = (): Der => Uint8Array.from([0x05, 0x00]);
export const boolean = (value: boolean): Der => Uint8Array.from([0x01, 0x01, value ? 0xff : 0x00]);
export const octetString = (bytes: Uint8Array): Der => tlv(0x04, bytes);
export const printableString = (text: string): Der => tlv(0x13, new TextEncoder().encode(text));
export const utf8String = (text: string): Der => tlv(0x0c, new TextEncoder().encode(text));

/** Unsigned big-endian integer (a leading 0x00 is added when the top bit is set). */
export function integer(value: Uint8Array | number): Der {
  let bytes: Uint8Array;
  if (typeof value === 'number') {
    const arr: number[] = [];
    let n = value;
    do {
      arr.unshift(n & 0xff);
      n = Math.floor(n / 256);
    } while (n > 0);
    bytes = Uint8Array.from(arr);
  } else {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    bytes = value.subarray(start);
  }
  if (bytes[0]! & 0x80) bytes = Uint8Array.from([0, ...bytes]);
  return tlv(0x02, bytes);
}

export function bitString(bytes: Uint8Array, unusedBits = 0): Der {
  return tlv(0x03, Uint8Array.from([unusedBits]), bytes);
}

export function oid(dotted: string): Der {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let n = part;
    do {
      chunk.unshift(n & 0x7f);
      n = Math.floor(n / 128);
    } while (n > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function time(date: Date): Der {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const compact = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, new TextEncoder().encode(compact.slice(2)));
  return tlv(0x18, new TextEncoder().encode(compact));
}

/** Reads one TLV header; returns the tag, the content's offset and length. */
export function readHeader(bytes: Uint8Array, at = 0): { tag: number; contentStart: number; length: number } {
  const tag = bytes[at]!;
  const first = bytes[at + 1]!;
  if (first < 0x80) return { tag, contentStart: at + 2, length: first };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + bytes[at + 2 + i]!;
  return { tag, contentStart: at + 2 + count, length };
}

/** The element at `at` including its header. */
export function element(bytes: Uint8Array, at = 0): Uint8Array {
  const h = readHeader(bytes, at);
  return bytes.subarray(at, h.contentStart + h.length);
}

/** The child elements of the constructed element at `at`. */
export function children(bytes: Uint8Array, at = 0): Uint8Array[] {
  const h = readHeader(bytes, at);
  const out: Uint8Array[] = [];
  let p = h.contentStart;
  while (p < h.contentStart + h.length) {
    const child = element(bytes, p);
    out.push(child);
    p += child.length;
  }
  return out;
}
