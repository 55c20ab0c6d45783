/**
 * The iPhone path of the card service (issue 13, item 4): the holder confirms on the phone, no PIN
 * goes to the token, and the signature is the same as a card's. Android keeps VERIFY.
 */
import { createPublicKey, generateKeyPairSync, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualJpkiCard, createTestPki, issueCardCertificate, type PhoneConfirmation, type TokenType } from '@madoguchi/card-sim';
import { MadoguchiError } from '@madoguchi/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardService, type CardService } from './card-service.js';
import { PinBuffer } from './pin-buffer.js';
import { createVirtualReader, type SimulatedCard } from './virtual-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'phone-auth-'));
let certificateDer: Uint8Array;
let privateKey: KeyObject;
const challenge = new Uint8Array(32).map((_, i) => i * 11);
const VERIFY = 0x20;
const SIGN = 0x2a;

beforeAll(async () => {
  const pki = await createTestPki(join(dir, 'pki'));
  ({ privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
  ({ certificateDer } = await issueCardCertificate(pki, {
    notAfter: new Date('2031-01-01T00:00:00Z'),
    keyPair: { privateKey, publicKey: createPublicKey(privateKey) },
  }));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A token whose instruction bytes are recorded as they arrive (headers only). */
function recorded(tokenType: TokenType, phone?: PhoneConfirmation): { card: SimulatedCard; instructions: number[] } {
  const token = new VirtualJpkiCard({
    tokenType,
    authCertificateDer: certificateDer,
    authPrivateKey: privateKey,
    authPin: '7391',
    ...(phone ? { phone } : {}),
  });
  const instructions: number[] = [];
  const card: SimulatedCard = {
    atr: token.atr,
    powerOn: () => token.powerOn(),
    powerOff: () => token.powerOff(),
    reset: () => token.reset(),
    transmit: (command) => {
      instructions.push(command[1]!);
      return token.transmit(command);
    },
  };
  return { card, instructions };
}

function serviceWith(card: SimulatedCard, phoneConfirmationMs = 5000): CardService {
  const reader = createVirtualReader();
  reader.insert(card);
  return createCardService({ transport: reader.transport, phoneConfirmationMs, phonePollMs: 20 });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof MadoguchiError ? error.code : String(error)),
  );
}

describe('iPhone token', () => {
  it('reads the certificate and no PIN counter, then signs after the confirmation on the phone with no VERIFY sent', async () => {
    const { card, instructions } = recorded('iphone', { answer: 'confirm', afterMs: 300 });
    const service = serviceWith(card);
    const info = await service.readCardInfo();
    expect(info).toMatchObject({ tokenType: 'iphone', pinTriesLeft: null });
    expect(Buffer.from(info.authCertificateDer!).equals(Buffer.from(certificateDer))).toBe(true);
    const signed = await service.authenticateOnPhone(challenge);
    expect(signed.tokenType).toBe('iphone');
    expect(Buffer.from(signed.authCertificateDer).equals(Buffer.from(certificateDer))).toBe(true);
    expect(verify('sha256', challenge, new X509Certificate(signed.authCertificateDer).publicKey, signed.signature)).toBe(true);
    expect(instructions).not.toContain(VERIFY);
    // The phone was asked more than once while its prompt was open (300 ms, asked every 20 ms).
    expect(instructions.filter((ins) => ins === SIGN).length).toBeGreaterThan(1);
  });

  it('ends with CARD_PHONE_DECLINED when the holder declines on the phone', async () => {
    const { card } = recorded('iphone', { answer: 'decline', afterMs: 50 });
    const service = serviceWith(card);
    await service.readCardInfo();
    expect(await codeOf(service.authenticateOnPhone(challenge))).toBe('CARD_PHONE_DECLINED');
  });

  it('ends with CARD_PHONE_TIMEOUT when the phone never answers within the confirmation time', async () => {
    const { card } = recorded('iphone', { answer: 'never', afterMs: 0 });
    const service = serviceWith(card, 300);
    await service.readCardInfo();
    expect(await codeOf(service.authenticateOnPhone(challenge))).toBe('CARD_PHONE_TIMEOUT');
  });

  it('takes no PIN: a PIN authentication on an iPhone fails without a VERIFY reaching it', async () => {
    const { card, instructions } = recorded('iphone');
    const service = serviceWith(card);
    await service.readCardInfo();
    expect(await codeOf(service.authenticate(PinBuffer.fromDigits('7391'), challenge))).toBe('CARD_ERROR');
    expect(instructions).not.toContain(VERIFY);
  });
});

describe('Android token', () => {
  it('keeps the PIN: VERIFY is sent, and the phone path refuses it', async () => {
    const { card, instructions } = recorded('android');
    const service = serviceWith(card);
    expect(await service.readCardInfo()).toMatchObject({ tokenType: 'android', authCertificateDer: null, pinTriesLeft: 3 });
    expect(await codeOf(service.authenticateOnPhone(challenge))).toBe('CARD_ERROR');
    const signed = await service.authenticate(PinBuffer.fromDigits('7391'), challenge);
    expect(signed.tokenType).toBe('android');
    expect(instructions.filter((ins) => ins === VERIFY).length).toBeGreaterThanOrEqual(2); // the empty VERIFY and the PIN's
  });
});
