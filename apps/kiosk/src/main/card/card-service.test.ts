import { createPublicKey, generateKeyPairSync, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { VirtualJpkiCard, createTestPki, issueCardCertificate, type TestPki, type TokenType } from '@madoguchi/card-sim';
import { MadoguchiError } from '@madoguchi/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardService, type CardService, type CardServiceOptions } from './card-service.js';
import { MAX_GET_RESPONSE_ROUNDS } from './jpki-client.js';
import { PinBuffer } from './pin-buffer.js';
import { CardPinWrongError, pinStatus, statusWordError } from './status-words.js';
import { createVirtualReader, type SimulatedCard, type VirtualReader } from './virtual-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'card-service-'));
let pki: TestPki;
let certificateDer: Uint8Array;
let privateKey: KeyObject;
const challenge = new Uint8Array(32).map((_, i) => i * 7);
// An unusual PIN so a leak is easy to spot in logs.
const PIN = '7391';

beforeAll(async () => {
  pki = await createTestPki(join(dir, 'pki'));
  ({ privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const issued = await issueCardCertificate(pki, {
    notAfter: new Date('2031-01-01T00:00:00Z'),
    keyPair: { privateKey, publicKey: createPublicKey(privateKey) },
  });
  certificateDer = issued.certificateDer;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCard(tokenType: TokenType = 'card'): VirtualJpkiCard {
  return new VirtualJpkiCard({
    tokenType,
    authCertificateDer: certificateDer,
    authPrivateKey: privateKey,
    authPin: PIN,
    certificateFiller: 100,
  });
}

function setup(
  card: SimulatedCard | null = makeCard(),
  timeouts: Pick<CardServiceOptions, 'commandTimeoutMs' | 'operationTimeoutMs'> = {},
): { reader: VirtualReader; service: CardService; logs: unknown[] } {
  const reader = createVirtualReader();
  const logs: unknown[] = [];
  const service = createCardService({ transport: reader.transport, log: (event, fields) => logs.push({ event, fields }), ...timeouts });
  if (card) reader.insert(card);
  return { reader, service, logs };
}

function verifies(signature: Uint8Array, der: Uint8Array): boolean {
  return verify('sha256', challenge, new X509Certificate(der).publicKey, signature);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof MadoguchiError ? error.code : `not a MadoguchiError: ${String(error)}`;
  }
}

describe('card service over the in-process virtual reader', () => {
  it('reads the certificate sized from its DER header (the EF has filler) and the tries left', async () => {
    const { service } = setup();
    const info = await service.readCardInfo();
    expect(info.tokenType).toBe('card');
    expect(Buffer.from(info.authCertificateDer!).equals(Buffer.from(certificateDer))).toBe(true);
    expect(info.pinTriesLeft).toBe(3);
  });

  it('authenticates: the signature over SHA-256(challenge) verifies with the certificate, and the PIN is wiped', async () => {
    const { service } = setup();
    const pin = PinBuffer.fromDigits(PIN);
    const result = await service.authenticate(pin, challenge);
    expect(result.tokenType).toBe('card');
    expect(verifies(result.signature, result.authCertificateDer)).toBe(true);
    expect(pin.wiped).toBe(true);
  });

  it('maps a wrong PIN to CARD_PIN_WRONG with tries left, then CARD_PIN_LOCKED, wiping the PIN every time', async () => {
    const { service } = setup();
    for (const expected of [2, 1]) {
      const pin = PinBuffer.fromDigits('0000');
      const error = await service.authenticate(pin, challenge).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CardPinWrongError);
      expect((error as CardPinWrongError).code).toBe('CARD_PIN_WRONG');
      expect((error as CardPinWrongError).triesLeft).toBe(expected);
      expect(pin.wiped).toBe(true);
    }
    expect(await codeOf(service.authenticate(PinBuffer.fromDigits('0000'), challenge))).toBe('CARD_PIN_LOCKED');
    expect((await service.readCardInfo()).pinTriesLeft).toBe(0);
    const right = PinBuffer.fromDigits(PIN);
    expect(await codeOf(service.authenticate(right, challenge))).toBe('CARD_PIN_LOCKED');
    expect(right.wiped).toBe(true);
  });

  it('gives no tries-left count when the empty VERIFY answers 9000 (already verified: the card said no number)', async () => {
    const card = makeCard();
    const original = card.transmit.bind(card);
    // A card whose PIN is already verified in its security state answers the empty VERIFY with 9000.
    card.transmit = (apdu) => (apdu.length === 4 && apdu[1] === 0x20 ? Uint8Array.from([0x90, 0x00]) : original(apdu));
    const { service, logs } = setup(card);
    const info = await service.readCardInfo();
    expect(info.pinTriesLeft).toBeNull();
    expect(JSON.stringify(logs)).toContain('card.pinCounterUnknown');
  });

  it('treats 63C0, 6983 and 6984 as locked and 63C2 as two tries left', () => {
    for (const sw of [0x63c0, 0x6983, 0x6984]) {
      expect(pinStatus(sw)).toEqual({ kind: 'locked' });
      expect(statusWordError('verify', sw).code).toBe('CARD_PIN_LOCKED');
    }
    expect(pinStatus(0x63c2)).toEqual({ kind: 'triesLeft', triesLeft: 2 });
    expect(statusWordError('selectAp', 0x6a82).code).toBe('CARD_NOT_JPKI');
    expect(statusWordError('sign', 0x6982).code).toBe('CARD_ERROR');
  });

  it('refuses a card without the JPKI applet as CARD_NOT_JPKI', async () => {
    const notJpki: SimulatedCard = {
      atr: Uint8Array.from([0x3b, 0x00]),
      powerOn: () => Uint8Array.from([0x3b, 0x00]),
      powerOff: () => {},
      reset: () => Uint8Array.from([0x3b, 0x00]),
      transmit: (apdu) => (apdu[1] === 0xa4 ? Uint8Array.from([0x6a, 0x82]) : Uint8Array.from([0x6d, 0x00])),
    };
    const { service } = setup(notJpki);
    expect(await codeOf(service.readCardInfo())).toBe('CARD_NOT_JPKI');
  });

  it('reports CARD_REMOVED when the card leaves mid-signature, and works again after reinsertion', async () => {
    const card = makeCard();
    const { reader, service } = setup(card);
    const original = card.transmit.bind(card);
    card.transmit = (apdu) => {
      if (apdu[1] === 0x2a) reader.remove(); // pulled while the card computes the signature
      return original(apdu);
    };
    const pin = PinBuffer.fromDigits(PIN);
    expect(await codeOf(service.authenticate(pin, challenge))).toBe('CARD_REMOVED');
    expect(pin.wiped).toBe(true);
    expect(await codeOf(service.readCardInfo())).toBe('CARD_REMOVED'); // nothing on the reader
    reader.insert(makeCard());
    const result = await service.authenticate(PinBuffer.fromDigits(PIN), challenge);
    expect(verifies(result.signature, result.authCertificateDer)).toBe(true);
  });

  it('reports CARD_READER_UNAVAILABLE when the reader is gone, and emits reader and card events', async () => {
    const { reader, service } = setup(null);
    const events: string[] = [];
    const offs = [
      service.on('readerStatus', (s) => events.push(`reader:${s}`)),
      service.on('cardInserted', () => events.push('inserted')),
      service.on('cardRemoved', () => events.push('removed')),
    ];
    reader.insert(makeCard());
    reader.setReaderConnected(false);
    expect(await codeOf(service.readCardInfo())).toBe('CARD_READER_UNAVAILABLE');
    reader.setReaderConnected(true);
    for (const off of offs) off();
    reader.insert(makeCard());
    expect(events).toEqual(['inserted', 'removed', 'reader:noReader', 'reader:ready']);
  });

  it('handles Android tokens: no certificate before the PIN, then PIN → certificate → signature', async () => {
    const { service } = setup(makeCard('android'));
    const info = await service.readCardInfo();
    expect(info).toEqual({ tokenType: 'android', authCertificateDer: null, pinTriesLeft: 3 });
    const result = await service.authenticate(PinBuffer.fromDigits(PIN), challenge);
    expect(result.tokenType).toBe('android');
    expect(Buffer.from(result.authCertificateDer).equals(Buffer.from(certificateDer))).toBe(true);
    expect(verifies(result.signature, result.authCertificateDer)).toBe(true);
  });

  it('reads the iPhone token type from EF 0006', async () => {
    const { service } = setup(makeCard('iphone'));
    expect((await service.readCardInfo()).tokenType).toBe('iphone');
  });

  it('never lets the PIN into a log line, JSON or util.inspect', async () => {
    const { service, logs } = setup();
    const wrong = PinBuffer.fromDigits('7390');
    await service.authenticate(wrong, challenge).catch(() => undefined);
    const pin = PinBuffer.fromDigits(PIN);
    expect(JSON.stringify({ pin })).toBe('{"pin":"[PIN]"}');
    expect(inspect(pin)).not.toMatch(/7391|55, 51, 57, 49/);
    expect(`${pin}`).toBe('[PIN]');
    await service.authenticate(pin, challenge);
    const text = JSON.stringify(logs) + inspect(logs, { depth: 10 });
    expect(logs.length).toBeGreaterThan(2);
    for (const secret of [PIN, '7390', Buffer.from(PIN).toString('hex'), Buffer.from(PIN).toString('base64')])
      expect(text).not.toContain(secret);
  });

  it('runs operations one at a time', async () => {
    const { service } = setup();
    const [a, b] = await Promise.all([service.readCardInfo(), service.authenticate(PinBuffer.fromDigits(PIN), challenge)]);
    expect(a.pinTriesLeft).toBe(3);
    expect(verifies(b.signature, b.authCertificateDer)).toBe(true);
    await service.close();
    expect(await codeOf(service.readCardInfo())).toBe('CARD_READER_UNAVAILABLE');
  });

  describe('a faulty card', () => {
    /** A card with the JPKI ATR whose every answer comes from `answer`. */
    function faulty(answer: (apdu: Uint8Array) => Uint8Array | Promise<Uint8Array>): SimulatedCard & { commands: number } {
      const atr = makeCard().atr;
      const card = {
        commands: 0,
        atr,
        powerOn: () => atr,
        powerOff: () => {},
        reset: () => atr,
        transmit: (apdu: Uint8Array) => {
          card.commands++;
          return answer(apdu);
        },
      };
      return card;
    }
    const never = () => new Promise<Uint8Array>(() => {});
    // Long enough that only the mechanism under test can end the operation in a test's lifetime.
    const patient = { commandTimeoutMs: 600_000, operationTimeoutMs: 600_000 };

    it('ends with CARD_ERROR when the card answers every command with 61 FF, after a bounded number of GET RESPONSE', async () => {
      const card = faulty(() => {
        if (card.commands > 10_000) throw new Error('still asking for more data');
        return Uint8Array.from([0x61, 0xff]);
      });
      const { reader, service } = setup(card);
      const error = await service.readCardInfo().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CARD_ERROR', detail: expect.stringContaining('GET RESPONSE') as unknown });
      expect(card.commands).toBe(1 + MAX_GET_RESPONSE_ROUNDS);
      reader.insert(makeCard());
      expect((await service.readCardInfo()).pinTriesLeft).toBe(3);
    });

    it('ends with CARD_ERROR when a command goes unanswered past its deadline, and the next card works on the same reader', async () => {
      const { reader, service, logs } = setup(faulty(never), { commandTimeoutMs: 50, operationTimeoutMs: 600_000 });
      const error = await service.readCardInfo().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CARD_ERROR', detail: 'no answer within 50 ms' });
      expect(JSON.stringify(logs)).toContain('no answer within 50 ms');
      reader.insert(makeCard());
      const result = await service.authenticate(PinBuffer.fromDigits(PIN), challenge);
      expect(verifies(result.signature, result.authCertificateDer)).toBe(true);
    });

    it('holds a whole operation to its budget even when each command answers within its own deadline', async () => {
      const card = makeCard();
      const slow = faulty((apdu) => new Promise((resolve) => setTimeout(() => resolve(card.transmit(apdu)), 30)));
      card.powerOn();
      const { reader, service } = setup(slow, { commandTimeoutMs: 600_000, operationTimeoutMs: 100 });
      const error = await service.readCardInfo().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CARD_ERROR', detail: 'readCardInfo: over the 100 ms budget' });
      reader.insert(makeCard());
      expect((await service.readCardInfo()).tokenType).toBe('card');
    });

    it('abandons an operation the caller gives up on, wiping the PIN, and the next operation runs', async () => {
      let verifySent = false;
      const card = makeCard();
      card.powerOn();
      const hangsAtVerify = faulty((apdu) => {
        if (apdu[1] !== 0x20 || apdu.length === 4) return card.transmit(apdu);
        verifySent = true;
        return never();
      });
      const { reader, service } = setup(hangsAtVerify, patient);
      const cancel = new AbortController();
      const pin = PinBuffer.fromDigits(PIN);
      const pending = service.authenticate(pin, challenge, { signal: cancel.signal });
      while (!verifySent) await new Promise((r) => setTimeout(r, 1));
      cancel.abort();
      expect(await codeOf(pending)).toBe('CARD_ERROR');
      expect(pin.wiped).toBe(true);

      const fresh = makeCard();
      fresh.powerOn();
      const counted = faulty((apdu) => fresh.transmit(apdu));
      reader.insert(counted);
      expect((await service.readCardInfo()).pinTriesLeft).toBe(3);
      // An operation asked for with a signal already aborted never reaches the card.
      const before = counted.commands;
      expect(await codeOf(service.readCardInfo({ signal: AbortSignal.abort() }))).toBe('CARD_ERROR');
      expect(counted.commands).toBe(before);
    });
  });
});
