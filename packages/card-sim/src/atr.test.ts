import { describe, expect, it } from 'vitest';
import { JPKI_CONTACTLESS_ATR, atrChecksum, contactlessTypeBAtr } from './atr.js';
import { VirtualJpkiCard } from './jpki-applet.js';
import { generateKeyPairSync } from 'node:crypto';

describe('contactless pseudo-ATR (PC/SC part 3, ISO/IEC 14443-4 Type B)', () => {
  it('is the one pcsc-tools lists for a JPKI card read over NFC, its TCK making T0 … TCK XOR to zero', () => {
    expect(Buffer.from(JPKI_CONTACTLESS_ATR).toString('hex')).toBe('3b888001000005e0b381a1007f');
    expect(JPKI_CONTACTLESS_ATR.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0);
  });

  it('puts the ATQB application data, protocol info and MBLI in the historical bytes and computes TCK', () => {
    const atr = contactlessTypeBAtr({
      applicationData: Uint8Array.from([1, 2, 3, 4]),
      protocolInfo: Uint8Array.from([0x80, 0x71, 0x71]),
      mbli: 8,
    });
    expect([...atr.subarray(0, 4)]).toEqual([0x3b, 0x88, 0x80, 0x01]);
    expect([...atr.subarray(4, 12)]).toEqual([1, 2, 3, 4, 0x80, 0x71, 0x71, 0x80]);
    expect(atr[12]).toBe(atrChecksum(atr.subarray(0, 12)));
    expect(() => contactlessTypeBAtr({ applicationData: Uint8Array.from([1]), protocolInfo: Uint8Array.from([0, 0, 0]) })).toThrow();
  });

  it('is what the virtual card answers unless it is told it sits in a contact reader', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const base = { authCertificateDer: Uint8Array.from([0x30, 0x00]), authPrivateKey: privateKey, authPin: '1234' };
    expect(new VirtualJpkiCard(base).powerOn()).toEqual(JPKI_CONTACTLESS_ATR);
    expect(Buffer.from(new VirtualJpkiCard({ ...base, cardInterface: 'contact' }).atr).toString('hex')).toBe('3be000ff8131fe4514');
  });
});
