/**
 * The lift-and-return rule (lift-and-return.ts) over the in-process reader, where a test card can
 * leave right after answering a command; the real stack is tested in test/card/nfc-lift-and-return.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { JPKI_CONTACTLESS_ATR, JPKI_CONTACT_ATR, VirtualJpkiCard, type TokenType } from '@madoguchi/card-sim';
import { describe, expect, it } from 'vitest';
import { atrInterface } from './atr.js';
import { createCardService } from './card-service.js';
import { HeldCardEvents, StepCard, certificateDigest } from './lift-and-return.js';
import { PinBuffer } from './pin-buffer.js';
import { createVirtualReader, type SimulatedCard, type VirtualReader } from './virtual-reader.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const certificate = (n: number) => Uint8Array.from([0x30, 0x82, 0x00, 0x10, ...new Array<number>(16).fill(n)]);
const challenge = new Uint8Array(32).fill(9);

/** A card that leaves the reader right after answering its `nth` command with instruction `ins`, and `back` comes 20 ms later. */
function leavingCard(reader: VirtualReader, card: VirtualJpkiCard, at: { ins: number; nth: number }, back: () => SimulatedCard) {
  const received: { ins: number; length: number }[] = [];
  let seen = 0;
  const wrapper: SimulatedCard = {
    atr: card.atr,
    powerOn: () => card.powerOn(),
    powerOff: () => card.powerOff(),
    reset: () => card.reset(),
    transmit: (apdu) => {
      received.push({ ins: apdu[1]!, length: apdu.length });
      const answer = card.transmit(apdu);
      if (apdu[1] === at.ins && ++seen === at.nth)
        queueMicrotask(() => {
          reader.remove();
          setTimeout(() => reader.insert(back()), 20);
        });
      return answer;
    },
  };
  return { wrapper, received };
}

const jpkiCard = (n: number, tokenType: TokenType = 'card') =>
  new VirtualJpkiCard({ tokenType, authCertificateDer: certificate(n), authPrivateKey: privateKey, authPin: '1234' });

describe('atrInterface', () => {
  it('tells an NFC reader’s Type B pseudo-ATR from a contact ATR, and a broken checksum from both', () => {
    expect(atrInterface(JPKI_CONTACTLESS_ATR)).toBe('contactless');
    expect(atrInterface(JPKI_CONTACT_ATR)).toBe('contact');
    const broken = Uint8Array.from(JPKI_CONTACTLESS_ATR);
    broken[broken.length - 1]! ^= 1;
    expect(atrInterface(broken)).toBe('contact');
    expect(atrInterface(undefined)).toBe('unknown');
  });
});

describe('StepCard', () => {
  it('a reading step may always run again; an authentication only while it knows the card and before VERIFY', () => {
    const reading = new StepCard('reading', undefined, () => {});
    reading.identify(null);
    expect(reading.retryable).toBe(true);
    const blind = new StepCard('authenticating', undefined, () => {});
    blind.identify(null);
    expect(blind.retryable).toBe(false); // an Android phone: nothing tells one from another before the PIN
    let committed = 0;
    const known = new StepCard('authenticating', certificateDigest(certificate(1)), () => committed++);
    known.identify(certificate(1));
    expect(known.retryable).toBe(true);
    known.commit();
    expect([known.retryable, committed]).toEqual([false, 1]);
  });

  it('refuses another certificate, or none, once it knows one', () => {
    const step = new StepCard('reading', undefined, () => {});
    step.identify(certificate(1));
    expect(() => step.identify(certificate(2))).toThrow(/different card/);
    expect(() => step.identify(null)).toThrow(/different card/);
  });
});

describe('HeldCardEvents', () => {
  it('drops a lift a later run made good, and passes on, in order, one it did not', () => {
    const passed: string[] = [];
    const held = new HeldCardEvents((event) => passed.push(event));
    const operation = new AbortController().signal;
    held.hold();
    const first = held.runStarting(operation);
    expect(held.removal()).toBe(true);
    expect(first.aborted).toBe(true); // the run in progress ends at once
    expect(held.insertion()).toBe(true);
    held.runStarting(operation);
    held.runSucceeded();
    held.release();
    expect(passed).toEqual([]);

    held.hold();
    held.runStarting(operation);
    held.removal();
    held.insertion();
    held.runSucceeded(); // the lift came during this run: not made good
    held.release();
    expect(passed).toEqual(['cardRemoved', 'cardInserted']);
    expect(held.removal()).toBe(false); // not holding: the caller passes it on itself
  });
});

describe('a card lifted during an operation, over the in-process reader', () => {
  it('reads the same card again (the session never hears of it); another card ends the reading with CARD_REMOVED', async () => {
    const reader = createVirtualReader();
    const events: string[] = [];
    const service = createCardService({ transport: reader.transport });
    service.on('cardRemoved', () => events.push('removed'));
    service.on('cardInserted', () => events.push('inserted'));
    const card = jpkiCard(1);
    // The 4th SELECT (EF 0018) comes after the certificate: the reading knows the card by then.
    reader.insert(leavingCard(reader, card, { ins: 0xa4, nth: 4 }, () => card).wrapper);
    events.length = 0;
    const info = await service.readCardInfo();
    expect(info.authCertificateDer).toEqual(certificate(1));
    expect(events).toEqual([]);

    reader.insert(leavingCard(reader, card, { ins: 0xa4, nth: 4 }, () => jpkiCard(2)).wrapper);
    events.length = 0;
    await expect(service.readCardInfo()).rejects.toMatchObject({ code: 'CARD_REMOVED', detail: expect.stringMatching(/different card/) });
    expect(events).toEqual(['removed', 'inserted']);
  });

  it('an Android phone lifted before VERIFY is not asked again (not recognisable): CARD_REMOVED, no PIN to what came back', async () => {
    const reader = createVirtualReader();
    const service = createCardService({ transport: reader.transport });
    const phone = jpkiCard(1, 'android');
    reader.insert(phone);
    await service.readCardInfo();
    const other = jpkiCard(2, 'android');
    const { wrapper } = leavingCard(reader, phone, { ins: 0xa4, nth: 2 }, () => otherLogged.wrapper);
    const otherLogged = leavingCard(reader, other, { ins: 0x00, nth: 1 }, () => other);
    reader.insert(wrapper);
    const pin = PinBuffer.fromDigits('1234');
    await expect(service.authenticate(pin, challenge)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    expect(pin.wiped).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(otherLogged.received.filter((c) => c.ins === 0x20 && c.length > 4)).toEqual([]);
  });
});
