/**
 * Just enough DER reading for X.509 CRLs: tag, length, and where the value lies. Lengths up to
 * 4 bytes; indefinite lengths are not DER and are refused.
 */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first value byte. */
  valueStart: number;
  /** Offset just past the value. */
  end: number;
}

export class DerError extends Error {}

export function readTlv(bytes: Uint8Array, offset: number): Tlv {
  if (offset + 2 > bytes.length) throw new DerError('truncated');
  const tag = bytes[offset]!;
  let length = bytes[offset + 1]!;
  let valueStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported length');
    if (valueStart + count > bytes.length) throw new DerError('truncated');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[valueStart + i]!;
    valueStart += count;
  }
  const end = valueStart + length;
  if (end > bytes.length) throw new DerError('truncated');
  return { tag, start: offset, valueStart, end };
}

/** The TLVs directly inside a constructed value. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.valueStart;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset);
    out.push(child);
    offset = child.end;
  }
  if (offset !== parent.end) throw new DerError('overrun');
  return out;
}

export function value(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.valueStart, tlv.end);
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OID: 0x06,
  SEQUENCE: 0x30,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BOOLEAN: 0x01,
  OCTET_STRING: 0x04,
  ENUMERATED: 0x0a,
  /** [0] EXPLICIT, constructed: where a CRL keeps its extensions. */
  CONTEXT_0: 0xa0,
} as const;

/** An OBJECT IDENTIFIER's value in dotted form (for logs and lookups). */
export function oidText(bytes: Uint8Array): string {
  if (bytes.length === 0 || (bytes[bytes.length - 1]! & 0x80) !== 0) throw new DerError('bad OID');
  const arcs: number[] = [];
  let n = 0;
  for (const byte of bytes) {
    n = n * 128 + (byte & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER) throw new DerError('OID arc too large');
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else arcs.push(n);
      n = 0;
    }
  }
  return arcs.join('.');
}

export function isTime(tlv: Tlv | undefined): boolean {
  return tlv !== undefined && (tlv.tag === TAG.UTC_TIME || tlv.tag === TAG.GENERALIZED_TIME);
}

export function readTime(bytes: Uint8Array, tlv: Tlv): Date {
  const text = Buffer.from(value(bytes, tlv)).toString('latin1');
  const match =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) throw new DerError(`bad time ${text}`);
  let year = Number(match[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}

/** An INTEGER (a serial number) as upper-case hex without leading zeros: one spelling for comparisons. */
export function serialHex(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex').toUpperCase().replace(/^0+/, '');
  return hex.length === 0 ? '0' : hex;
}

export function normalizeSerial(serial: string): string {
  const hex = serial.toUpperCase().replace(/^0+/, '');
  return hex.length === 0 ? '0' : hex;
}
