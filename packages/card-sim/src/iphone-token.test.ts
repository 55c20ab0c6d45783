/**
 * The virtual iPhone token: no PIN at the reader, a signature only after the holder confirms on the
 * phone (docs/jpki-card.md#token-types). The phone's delay runs on a fake clock.
 */
import { constants, createHash, generateKeyPairSync, publicDecrypt, type KeyObject } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromHex, hex } from './apdu.js';
import { VirtualJpkiCard, type PhoneConfirmation, type TokenType } from './jpki-applet.js';

let privateKey: KeyObject;
let publicKey: KeyObject;
const certificate = fromHex('3082000A' + '0102030405060708090A');
const SELECT_AP = '00A4040C0AD392F000260100000001';
const selectEf = (fid: string) => `00A4020C02${fid}`;
const digestInfo = '3031300D060960864801650304020105000420' + createHash('sha256').update('challenge').digest('hex');
const SIGN = `802A008033${digestInfo}00`;

beforeAll(() => {
  ({ privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
});
afterEach(() => vi.useRealTimers());

function token(phone?: PhoneConfirmation, tokenType: TokenType = 'iphone'): VirtualJpkiCard {
  const c = new VirtualJpkiCard({
    tokenType,
    authCertificateDer: certificate,
    authPrivateKey: privateKey,
    authPin: '1234',
    ...(phone ? { phone } : {}),
  });
  c.powerOn();
  return c;
}
const send = (c: VirtualJpkiCard, apdu: string) => hex(c.transmit(fromHex(apdu)));

function atSignature(c: VirtualJpkiCard): void {
  expect(send(c, SELECT_AP)).toBe('9000');
  expect(send(c, selectEf('0017'))).toBe('9000');
}

describe('virtual iPhone token', () => {
  it('shows its certificate without a PIN and has no PIN EF to VERIFY against', () => {
    const c = token();
    send(c, SELECT_AP);
    expect(send(c, selectEf('000A'))).toBe('9000');
    expect(send(c, '00B0000004')).toBe('3082000A9000');
    expect(send(c, selectEf('0018'))).toBe('6A82');
  });

  it('answers 6985 while the phone asks the holder, and signs once they confirm', () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const c = token({ answer: 'confirm', afterMs: 3000 });
    atSignature(c);
    expect(send(c, SIGN)).toBe('6985');
    vi.setSystemTime(2999);
    expect(send(c, SIGN)).toBe('6985');
    vi.setSystemTime(3000);
    const answer = c.transmit(fromHex(SIGN));
    expect(hex(answer.subarray(256))).toBe('9000');
    const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, answer.subarray(0, 256));
    expect(recovered.toString('hex').toUpperCase()).toBe(digestInfo.toUpperCase());
    // The confirmation was for that signature: the next one asks the holder again.
    expect(send(c, SIGN)).toBe('6985');
  });

  it('refuses with 6982 when the holder declines, and keeps waiting when they never answer', () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const declined = token({ answer: 'decline', afterMs: 1000 });
    atSignature(declined);
    expect(send(declined, SIGN)).toBe('6985');
    vi.setSystemTime(1000);
    expect(send(declined, SIGN)).toBe('6982');
    const silent = token({ answer: 'never', afterMs: 0 });
    atSignature(silent);
    vi.setSystemTime(10 * 60_000);
    expect(send(silent, SIGN)).toBe('6985');
  });

  it('closes the prompt when the token leaves the field', () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    const c = token({ answer: 'confirm', afterMs: 1000 });
    atSignature(c);
    expect(send(c, SIGN)).toBe('6985');
    vi.setSystemTime(1500);
    c.reset();
    atSignature(c);
    expect(send(c, SIGN)).toBe('6985');
  });

  it('leaves an Android token on its PIN', () => {
    const c = token({ answer: 'confirm', afterMs: 0 }, 'android');
    atSignature(c);
    expect(send(c, SIGN)).toBe('6982');
    send(c, selectEf('0018'));
    expect(send(c, '002000800431323334')).toBe('9000');
    send(c, selectEf('0017'));
    expect(send(c, SIGN).slice(-4)).toBe('9000');
  });
});
