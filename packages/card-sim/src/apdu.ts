/**
 * Short-length ISO 7816-4 command APDUs, as the JPKI applet receives them. Extended length is not
 * used by any JPKI client we know of, so it is answered with 6700 like a card without it would.
 */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Expected response length; 256 when Le is 00; undefined when absent. */
  le: number | undefined;
}

export type ParseResult = { ok: true; apdu: CommandApdu } | { ok: false; sw: number };

export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  DATA_INVALID: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  WRONG_OFFSET: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

export function parseCommandApdu(bytes: Uint8Array): ParseResult {
  if (bytes.length < 4) return { ok: false, sw: SW.WRONG_LENGTH };
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const apdu = (data: Uint8Array, le: number | undefined): ParseResult => ({ ok: true, apdu: { cla, ins, p1, p2, data, le } });
  if (body.length === 0) return apdu(new Uint8Array(0), undefined); // case 1
  if (body.length === 1) return apdu(new Uint8Array(0), body[0] === 0 ? 256 : body[0]); // case 2
  const lc = body[0]!;
  if (lc === 0) return { ok: false, sw: SW.WRONG_LENGTH }; // extended length: not supported
  if (body.length === 1 + lc) return apdu(body.slice(1, 1 + lc), undefined); // case 3
  if (body.length === 2 + lc) {
    const le = body[1 + lc]!;
    return apdu(body.slice(1, 1 + lc), le === 0 ? 256 : le); // case 4
  }
  return { ok: false, sw: SW.WRONG_LENGTH };
}

export function response(sw: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}
