/**
 * The JPKI user-authentication sequence over one exclusive card session (docs/jpki-card.md#sequence):
 * SELECT AP → SELECT 000A + READ (sized from the DER header) → SELECT 0018 + empty VERIFY (tries
 * left) → VERIFY → SELECT 0017 → sign DigestInfo(SHA-256(challenge)). Smartphone tokens (EF 0006
 * says Android) release the certificate only after VERIFY, so the order is chosen per token type.
 */
import { createHash } from 'node:crypto';
import { MAX_AUTH_CERTIFICATE_BYTES, MadoguchiError, type TokenType } from '@madoguchi/shared';
import type { PinBuffer } from './pin-buffer.js';
import { SW_OK, pinStatus, statusWordError, type JpkiStep, type PinStatus } from './status-words.js';
import type { CardConnection } from './transport.js';

export const JPKI_AID = Uint8Array.from([0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]);
export const EF_TOKEN_INFO = 0x0006;
export const EF_AUTH_CERT = 0x000a;
export const EF_AUTH_KEY = 0x0017;
export const EF_AUTH_PIN = 0x0018;

/** DER prefix of DigestInfo for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);
/** Certificates on real cards are ~1.5 KB; anything past this is a broken or hostile card (the center's limit too). */
const MAX_CERTIFICATE_BYTES = MAX_AUTH_CERTIFICATE_BYTES;
/**
 * The most one command may return, GET RESPONSE pieces included: nothing the JPKI applet sends is
 * larger than the certificate (a signature is 256 bytes, a READ BINARY at most 256).
 */
export const MAX_RESPONSE_BYTES = MAX_CERTIFICATE_BYTES;
/** Enough 61xx rounds to chain MAX_RESPONSE_BYTES in 256-byte pieces; a card asking for more is looping. */
export const MAX_GET_RESPONSE_ROUNDS = MAX_RESPONSE_BYTES / 256;

const TOKEN_LABELS: readonly [string, TokenType][] = [
  ['JPKIAPICCTOKEN', 'card'], // JPKIAPICCTOKEN2 on current cards; the prefix also covers the first issue
  ['JPKIAPGPSETOKEN', 'android'],
  ['JPKIAPIOSTOKEN', 'iphone'],
];

const SW_PHONE_WAITING = 0x6985;
const SW_PHONE_DECLINED = 0x6982;

export type PhoneSignature = { kind: 'signed'; signature: Uint8Array } | { kind: 'waiting' } | { kind: 'declined' };

/** What an empty VERIFY tells: tries left, locked, or "already verified" (no count given). */
export type PinCounter = Exclude<PinStatus, { kind: 'unexpected' }>;

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

export class JpkiClient {
  constructor(private readonly connection: CardConnection) {}

  async command(apdu: Uint8Array): Promise<ResponseApdu> {
    let answer = await this.connection.transmit(apdu);
    let result = split(answer);
    // T=0 style retries some stacks surface even on T=1: wrong Le (6Cxx) and more data (61xx).
    // Only a command that carries an Le can be resent with the Le the card asked for: for one
    // without (VERIFY is case 3: Lc + PIN digits) the last byte is data, and overwriting it would
    // spend a PIN try on a corrupted PIN. Such a command gets the 6Cxx answer as it is.
    if (result.sw >> 8 === 0x6c && hasLe(apdu)) {
      const again = Uint8Array.from(apdu);
      try {
        again[again.length - 1] = result.sw & 0xff;
        answer = await this.connection.transmit(again);
      } finally {
        again.fill(0); // a copy of a command may hold what the caller wipes in its own buffer
      }
      result = split(answer);
    }
    let data = result.data;
    // A card that keeps saying "more data" (61xx) would otherwise be followed forever.
    for (let rounds = 0; result.sw >> 8 === 0x61; rounds++) {
      if (data.length > MAX_RESPONSE_BYTES) throw new MadoguchiError('CARD_ERROR', `answer over ${MAX_RESPONSE_BYTES} bytes`);
      if (rounds === MAX_GET_RESPONSE_ROUNDS)
        throw new MadoguchiError('CARD_ERROR', `more data after ${MAX_GET_RESPONSE_ROUNDS} GET RESPONSE rounds`);
      answer = await this.connection.transmit(Uint8Array.from([0x00, 0xc0, 0x00, 0x00, result.sw & 0xff]));
      result = split(answer);
      data = concat(data, result.data);
    }
    if (data.length > MAX_RESPONSE_BYTES) throw new MadoguchiError('CARD_ERROR', `answer over ${MAX_RESPONSE_BYTES} bytes`);
    return { data, sw: result.sw };
  }

  private async expectOk(step: JpkiStep, apdu: Uint8Array): Promise<Uint8Array> {
    const { data, sw } = await this.command(apdu);
    if (sw !== SW_OK) throw statusWordError(step, sw);
    return data;
  }

  async selectAp(): Promise<void> {
    await this.expectOk('selectAp', Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, JPKI_AID.length, ...JPKI_AID]));
  }

  /** SELECT EF by identifier; returns the SW so callers can treat 6A82 themselves. */
  async selectEf(fid: number): Promise<number> {
    const { sw } = await this.command(Uint8Array.from([0x00, 0xa4, 0x02, 0x0c, 0x02, fid >> 8, fid & 0xff]));
    return sw;
  }

  async readBinary(offset: number, length: number): Promise<ResponseApdu> {
    return this.command(Uint8Array.from([0x00, 0xb0, (offset >> 8) & 0x7f, offset & 0xff, length === 256 ? 0 : length]));
  }

  /** Token type from EF 0006's space-padded label; a card without EF 0006 is a (first-issue) card. */
  async readTokenType(): Promise<TokenType> {
    const sw = await this.selectEf(EF_TOKEN_INFO);
    if (sw === 0x6a82) return 'card';
    if (sw !== SW_OK) throw statusWordError('selectFile', sw);
    const { data, sw: readSw } = await this.readBinary(0, 32);
    if (readSw !== SW_OK && readSw !== 0x6282) throw statusWordError('readBinary', readSw);
    const label = new TextDecoder('ascii').decode(data).trim();
    const match = TOKEN_LABELS.find(([prefix]) => label.startsWith(prefix));
    if (!match) throw new MadoguchiError('CARD_NOT_JPKI', `unknown token label`);
    return match[1];
  }

  /** The certificate in `fid`, sized from its DER header (files carry filler after the object). */
  async readCertificate(fid: number = EF_AUTH_CERT): Promise<Uint8Array> {
    const sw = await this.selectEf(fid);
    if (sw === 0x6a82) throw new MadoguchiError('CARD_NO_AUTH_CERTIFICATE', 'selectFile: 6A82');
    if (sw !== SW_OK) throw statusWordError('selectFile', sw);
    const head = await this.readBinary(0, 4);
    if (head.sw !== SW_OK) throw statusWordError('readBinary', head.sw);
    const total = derTotalLength(head.data);
    if (total === undefined || total > MAX_CERTIFICATE_BYTES)
      throw new MadoguchiError('CARD_ERROR', 'certificate EF does not start with a DER SEQUENCE');
    const out = new Uint8Array(total);
    out.set(head.data.subarray(0, Math.min(4, total)), 0);
    let offset = Math.min(4, total);
    while (offset < total) {
      const want = Math.min(256, total - offset);
      const chunk = await this.readBinary(offset, want);
      if ((chunk.sw !== SW_OK && chunk.sw !== 0x6282) || chunk.data.length === 0) throw statusWordError('readBinary', chunk.sw);
      if (chunk.data.length > want) throw new MadoguchiError('CARD_ERROR', 'card returned more than asked');
      out.set(chunk.data, offset);
      offset += chunk.data.length;
    }
    return out;
  }

  /**
   * The user-authentication PIN's counter without spending a try: an empty VERIFY with the PIN EF
   * selected. A JPKI card answers 63Cx (x tries left; 63C0 / 6983 / 6984 = locked). 9000 only says
   * the PIN is already verified in the card's current security state (ISO 7816-4) and carries no
   * count, so it is reported as such rather than as a guessed number.
   */
  async pinCounter(): Promise<PinCounter> {
    const sw = await this.selectEf(EF_AUTH_PIN);
    if (sw !== SW_OK) throw statusWordError('selectFile', sw);
    const { sw: verifySw } = await this.command(Uint8Array.from([0x00, 0x20, 0x00, 0x80]));
    const status = pinStatus(verifySw);
    if (status.kind === 'unexpected') throw statusWordError('verify', verifySw);
    return status;
  }

  /** VERIFY the user-authentication PIN. The APDU buffer holding the digits is zeroed before this returns. */
  async verifyPin(pin: PinBuffer): Promise<void> {
    const sw = await this.selectEf(EF_AUTH_PIN);
    if (sw !== SW_OK) throw statusWordError('selectFile', sw);
    const apdu = Uint8Array.from([0x00, 0x20, 0x00, 0x80, 0x04, 0, 0, 0, 0]);
    let verifySw: number;
    try {
      pin.writeTo(apdu, 5);
      verifySw = (await this.command(apdu)).sw;
    } finally {
      apdu.fill(0);
    }
    if (verifySw !== SW_OK) throw statusWordError('verify', verifySw);
  }

  /** Signs DigestInfo(SHA-256(challenge)) with the user-authentication key (needs a verified PIN). */
  async signChallenge(challenge: Uint8Array): Promise<Uint8Array> {
    const { data, sw } = await this.sign(challenge);
    if (sw !== SW_OK) throw statusWordError('sign', sw);
    return checkedSignature(data);
  }

  /**
   * One SIGNATURE on an iPhone, which takes no PIN: 6985 while the phone asks its holder (Face ID or
   * the phone's passcode), 6982 once they decline (docs/jpki-card.md#token-types).
   */
  async signChallengeOnPhone(challenge: Uint8Array): Promise<PhoneSignature> {
    const { data, sw } = await this.sign(challenge);
    if (sw === SW_PHONE_WAITING) return { kind: 'waiting' };
    if (sw === SW_PHONE_DECLINED) return { kind: 'declined' };
    if (sw !== SW_OK) throw statusWordError('sign', sw);
    return { kind: 'signed', signature: checkedSignature(data) };
  }

  private async sign(challenge: Uint8Array): Promise<ResponseApdu> {
    const sw = await this.selectEf(EF_AUTH_KEY);
    if (sw !== SW_OK) throw statusWordError('selectFile', sw);
    const digest = createHash('sha256').update(challenge).digest();
    const digestInfo = concat(SHA256_DIGEST_INFO_PREFIX, digest);
    return this.command(Uint8Array.from([0x80, 0x2a, 0x00, 0x80, digestInfo.length, ...digestInfo, 0x00]));
  }
}

/**
 * Whether a short command APDU ends with an Le byte: case 2 (header + Le) or case 4
 * (header + Lc + data + Le). Case 1 (header only) and case 3 (header + Lc + data) have none.
 */
export function hasLe(apdu: Uint8Array): boolean {
  if (apdu.length === 5) return true;
  return apdu.length > 5 && apdu[4] !== 0 && apdu.length === 5 + apdu[4]! + 1;
}

/** Total length (header + content) of the DER element whose first bytes are `head`. */
export function derTotalLength(head: Uint8Array): number | undefined {
  if (head.length < 2 || head[0] !== 0x30) return undefined;
  const first = head[1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 2 || head.length < 2 + count) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + head[2 + i]!;
  return 2 + count + length;
}

function checkedSignature(signature: Uint8Array): Uint8Array {
  if (signature.length !== 256) throw new MadoguchiError('CARD_ERROR', `sign: ${signature.length}-byte signature`);
  return signature;
}

function split(answer: Uint8Array): ResponseApdu {
  if (answer.length < 2) throw new MadoguchiError('CARD_ERROR', 'response shorter than a status word');
  return { data: answer.subarray(0, answer.length - 2), sw: (answer[answer.length - 2]! << 8) | answer[answer.length - 1]! };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
