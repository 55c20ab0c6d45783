/**
 * A faulty card must not hold the kiosk (issue 9, item 6): the session's card calls end at once
 * when the resident cancels, takes the card away or walks off (idle timer), and a card that never
 * answers ends its step with CARD_ERROR by itself. The card service runs over the in-process
 * reader; where a test proves that something else ended the call, the card's own deadlines are
 * set far beyond the test's lifetime.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { MadoguchiError, type KioskView } from '@madoguchi/shared';
import { describe, expect, it } from 'vitest';
import { createCardService, type CardServiceOptions } from '../card/card-service.js';
import type { PinBuffer } from '../card/pin-buffer.js';
import { createVirtualReader, type SimulatedCard } from '../card/virtual-reader.js';
import { KioskSession } from './kiosk-session.js';

const cardKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const certificateDer = Uint8Array.from([0x30, 0x82, 0x00, 0x10, ...randomBytes(16)]);
const healthyCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });
const never = () => new Promise<Uint8Array>(() => {});
const silentCard = (): SimulatedCard & { commands: number } => {
  const atr = healthyCard().atr;
  const card = {
    commands: 0,
    atr,
    powerOn: () => atr,
    powerOff: () => {},
    reset: () => atr,
    transmit: () => {
      card.commands++;
      return never();
    },
  };
  return card;
};
/** Answers like a healthy card until the PIN is sent, then never again. */
const cardSilentAtVerify = (): SimulatedCard => {
  const card = healthyCard();
  return {
    atr: card.atr,
    powerOn: () => card.powerOn(),
    powerOff: () => card.powerOff(),
    reset: () => card.reset(),
    transmit: (apdu) => (apdu[1] === 0x20 && apdu.length > 4 ? never() : card.transmit(apdu)),
  };
};
// Only the mechanism under test can end a card call within a test's lifetime.
const patient = { commandTimeoutMs: 600_000, operationTimeoutMs: 600_000 };
const notBeforeThePin = () => Promise.reject(new MadoguchiError('INTERNAL', 'not used before the PIN'));

function setup(timeouts: Pick<CardServiceOptions, 'commandTimeoutMs' | 'operationTimeoutMs'>, idleTimeoutMs?: number) {
  const reader = createVirtualReader();
  const service = createCardService({ transport: reader.transport, ...timeouts });
  const pins: PinBuffer[] = [];
  const session = new KioskSession({
    card: {
      on: (event, listener) => service.on(event, listener),
      get cardPresent() {
        return service.cardPresent;
      },
      get readerStatus() {
        return service.readerStatus;
      },
      readCardInfo: (options) => service.readCardInfo(options),
      authenticate: (pin, challenge, options) => {
        pins.push(pin);
        return service.authenticate(pin, challenge, options);
      },
      authenticateOnPhone: (challenge, options) => service.authenticateOnPhone(challenge, options),
    },
    center: {
      challenge: async () => ({
        challengeId: randomUUID(),
        challenge: randomBytes(32).toString('base64'),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }),
      authenticate: notBeforeThePin,
      applyDomicileRegistration: notBeforeThePin,
      quote: notBeforeThePin,
      pay: notBeforeThePin,
      printResult: notBeforeThePin,
      cancel: notBeforeThePin,
    },
    printer: { print: notBeforeThePin, release: notBeforeThePin, status: notBeforeThePin },
    centerPublicKey: notBeforeThePin,
    log: () => {},
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
  });
  const waitFor = async (screen: string) => {
    for (let i = 0; i < 200 && session.getView().screen !== screen; i++) await new Promise((r) => setTimeout(r, 10));
    expect(session.getView().screen).toBe(screen);
  };
  const send = (intent: unknown) => void session.send(intent);
  const seen: KioskView[] = [];
  session.onView((v) => {
    if (seen.at(-1)?.screen !== v.screen) seen.push(v);
  });
  return { reader, session, pins, waitFor, send, views: () => seen };
}

describe('kiosk session with a faulty card', () => {
  it('returns to the start screen at once when the resident cancels a card read that never ends', async () => {
    const t = setup(patient);
    t.send({ type: 'start' });
    t.reader.insert(silentCard());
    await t.waitFor('readingCard');
    t.send({ type: 'cancel' });
    await t.waitFor('idle');
    expect(t.session.getView().error).toBeUndefined();
    // The faulty card is taken from the start screen; the next resident's card is read as usual.
    t.reader.remove();
    await t.session.idle();
    t.send({ type: 'start' });
    t.reader.insert(healthyCard());
    await t.waitFor('pin');
  });

  it('returns to the start screen when the idle timer fires during a card read that never ends', async () => {
    const t = setup(patient, 200);
    const card = silentCard();
    t.send({ type: 'start' });
    t.reader.insert(card);
    await t.waitFor('readingCard');
    await t.waitFor('idle');
    // The read had begun, and hung, before the timer ended it.
    expect(card.commands).toBe(1);
    expect(t.views().map((v) => v.screen)).toEqual(['placeCard', 'readingCard', 'idle']);
  });

  it('says CARD_REMOVED at once when the card is taken away during a card read that never ends', async () => {
    const t = setup(patient);
    t.send({ type: 'start' });
    t.reader.insert(silentCard());
    await t.waitFor('readingCard');
    t.reader.remove();
    await t.waitFor('refused');
    expect(t.session.getView().error).toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('returns to the start screen at once when the resident cancels while the card hangs at VERIFY, with the PIN wiped', async () => {
    const t = setup(patient);
    t.send({ type: 'start' });
    t.reader.insert(cardSilentAtVerify());
    await t.waitFor('pin');
    for (const digit of '1234') t.send({ type: 'pinKey', position: t.session.getView().keypad!.indexOf(digit) });
    t.send({ type: 'pinSubmit' });
    await t.waitFor('authenticating');
    t.send({ type: 'cancel' });
    await t.waitFor('idle');
    expect(t.pins).toHaveLength(1);
    expect(t.pins[0]!.wiped).toBe(true);
  });

  it('shows CARD_ERROR for a card silent past its deadline; removing it returns to the start, the next card reaches the PIN', async () => {
    const t = setup({ commandTimeoutMs: 50 });
    t.send({ type: 'start' });
    t.reader.insert(silentCard());
    await t.waitFor('refused');
    expect(t.session.getView().error).toMatchObject({ code: 'CARD_ERROR' });
    t.reader.remove();
    await t.waitFor('idle');
    expect(t.session.getView().error).toBeUndefined();
    t.send({ type: 'start' });
    t.reader.insert(healthyCard());
    await t.waitFor('pin');
  });
});
