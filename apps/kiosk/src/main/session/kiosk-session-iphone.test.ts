/**
 * iPhone without a PIN (issue 13, item 4): the session shows "confirm on your iPhone" instead of the
 * PIN pad, makes no PIN and takes no PIN intent, and signs in with the center exactly as for a card;
 * a declined or unanswered phone ends the session before any money. Android keeps its PIN pad.
 */
import { VirtualJpkiCard, type PhoneConfirmation, type TokenType } from '@madoguchi/card-sim';
import { acceptsIntent, errorMessage, type AuthenticateRequest, type KioskView } from '@madoguchi/shared';
import { describe, expect, it } from 'vitest';
import type { SimulatedCard } from '../card/virtual-reader.js';
import { cardKey, certificateDer, setup, type Harness } from './session-test-harness.js';

const VERIFY = 0x20;

/** A token holding the harness's key, recording every command's instruction byte and length (never its data). */
function token(tokenType: TokenType, phone?: PhoneConfirmation) {
  const commands: { ins: number; length: number }[] = [];
  const newCard = (): SimulatedCard => {
    const card = new VirtualJpkiCard({
      tokenType,
      authCertificateDer: certificateDer,
      authPrivateKey: cardKey.privateKey,
      authPin: '1234',
      ...(phone ? { phone } : {}),
    });
    return {
      atr: card.atr,
      powerOn: () => card.powerOn(),
      powerOff: () => card.powerOff(),
      reset: () => card.reset(),
      transmit: (command) => {
        commands.push({ ins: command[1]!, length: command.length });
        return card.transmit(command);
      },
    };
  };
  return { newCard, commands };
}

/** The token types the center was sent, in order. */
function recordTokenTypes(t: Harness): AuthenticateRequest['tokenType'][] {
  const sent: AuthenticateRequest['tokenType'][] = [];
  const authenticate = t.fake.center.authenticate.bind(t.fake.center);
  t.fake.center.authenticate = (request) => {
    sent.push(request.tokenType);
    return authenticate(request);
  };
  return sent;
}

const pinViews = (views: KioskView[]) => views.filter((v) => v.screen === 'pin' || v.keypad !== undefined || v.pinLength !== undefined);

async function waitForView(t: Harness, check: (view: KioskView) => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(t.session.getView()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check(t.session.getView())).toBe(true);
}

describe('iPhone token at the kiosk', () => {
  it('asks the resident to confirm on the iPhone, never shows the PIN pad, ignores PIN intents and signs in as a card does', async () => {
    const { newCard, commands } = token('iphone', { answer: 'confirm', afterMs: 400 });
    const t = setup('none', { newCard });
    const sent = recordTokenTypes(t);
    await t.send({ type: 'start' });
    t.insertCard();
    await waitForView(t, (v) => v.screen === 'authenticating');
    expect(t.session.getView()).toMatchObject({ screen: 'authenticating', phoneConfirmation: true });
    expect(t.session.getView().keypad).toBeUndefined();
    // A page sending PIN intents while the phone asks: none of them does anything.
    expect(acceptsIntent('authenticating', 'pinKey')).toBe(false);
    await Promise.all([
      t.session.send({ type: 'pinKey', position: 3 }),
      t.session.send({ type: 'pinSubmit' }),
      t.session.send({ type: 'pinBackspace' }),
    ]);
    await t.session.idle();
    expect(t.session.getView().screen).toBe('menu');
    expect(t.session.getView().phoneConfirmation).toBeUndefined();
    expect(pinViews(t.views)).toEqual([]);
    expect(t.fake.calls).toEqual(['challenge', 'authenticate']);
    expect(sent).toEqual(['iphone']);
    expect(commands.filter((c) => c.ins === VERIFY)).toEqual([]);
    t.session.close();
  });

  it('ends the session with CARD_PHONE_DECLINED when the resident declines on the phone; nothing is quoted or paid', async () => {
    const t = setup('none', { newCard: token('iphone', { answer: 'decline', afterMs: 100 }).newCard });
    await t.send({ type: 'start' });
    t.insertCard();
    await waitForView(t, (v) => v.screen === 'refused');
    expect(t.session.getView().error).toEqual({ code: 'CARD_PHONE_DECLINED', message: errorMessage('CARD_PHONE_DECLINED', 'ja') });
    expect(t.fake.calls).toEqual(['challenge']);
    expect(t.cashBoxes.every((box) => box.escrowYen === 0)).toBe(true);
    expect(t.printed()).toEqual([]);
    t.reader.remove();
    await waitForView(t, (v) => v.screen === 'idle');
    t.session.close();
  });

  it('ends the session with CARD_PHONE_TIMEOUT when the phone is never answered', async () => {
    const t = setup('none', { newCard: token('iphone', { answer: 'never', afterMs: 0 }).newCard, phoneConfirmationMs: 300 });
    await t.send({ type: 'setLanguage', language: 'en' });
    await t.send({ type: 'start' });
    t.insertCard();
    await waitForView(t, (v) => v.screen === 'refused');
    expect(t.session.getView().error).toEqual({ code: 'CARD_PHONE_TIMEOUT', message: errorMessage('CARD_PHONE_TIMEOUT', 'en') });
    expect(t.fake.calls).toEqual(['challenge']);
    t.session.close();
  });

  it('lets the resident cancel while the phone asks', async () => {
    const t = setup('none', { newCard: token('iphone', { answer: 'never', afterMs: 0 }).newCard });
    await t.send({ type: 'start' });
    t.insertCard();
    await waitForView(t, (v) => v.phoneConfirmation === true);
    await t.send({ type: 'cancel' });
    expect(t.session.getView().screen).toBe('idle');
    expect(t.session.getView().phoneConfirmation).toBeUndefined();
    t.session.close();
  });
});

describe('Android token at the kiosk', () => {
  it('shows the PIN pad and sends the PIN in a VERIFY', async () => {
    const { newCard, commands } = token('android');
    const t = setup('none', { newCard });
    const sent = recordTokenTypes(t);
    await t.send({ type: 'start' });
    t.insertCard();
    await t.waitFor('pin');
    expect(t.session.getView().keypad).toHaveLength(10);
    expect(t.session.getView().phoneConfirmation).toBeUndefined();
    await t.typePin('1234');
    await t.send({ type: 'pinSubmit' });
    expect(t.session.getView().screen).toBe('menu');
    expect(sent).toEqual(['android']);
    // 00 20 00 80 04 + four digits: the VERIFY that carries a PIN (the empty one is 4 bytes).
    expect(commands.filter((c) => c.ins === VERIFY && c.length === 9)).toHaveLength(1);
    t.session.close();
  });
});
