/**
 * The "please wait" screens (issue 13, item 6): the display modes and the language are chosen on
 * every screen, so they change the view at once while a step waits on the center, the card or the
 * phone — not after it. And the test hook that holds such a screen still for the e2e accessibility
 * check (screen-holds.ts) stops the step where the screen shows, and nowhere else.
 */
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { describe, expect, it } from 'vitest';
import { ScreenHolds, standInHeldTransaction } from './screen-holds.js';
import { cardKey, certificateDer, setup, toPayment } from './session-test-harness.js';

const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });

describe('a screen that waits on the center', () => {
  it('takes the display modes and the language at once, and keeps them for the screens after', async () => {
    const t = setup('none', { newCard });
    await t.send({ type: 'start' });
    t.insertCard();
    await t.waitFor('pin');
    await t.typePin('1234');
    const release = t.holds.hold('challenge');
    const submitted = t.session.send({ type: 'pinSubmit' });
    await t.waitFor('authenticating');
    // Awaited while the challenge is still held: queued behind the step, these would wait for the center.
    await t.session.send({ type: 'setDisplay', mode: 'largeText', on: true });
    await t.session.send({ type: 'setLanguage', language: 'en' });
    expect(t.session.getView()).toMatchObject({ screen: 'authenticating', language: 'en', display: { largeText: true } });
    release();
    await submitted;
    await t.session.idle();
    expect(t.session.getView()).toMatchObject({ screen: 'menu', language: 'en', display: { largeText: true, highContrast: false } });
    t.session.close();
  });
});

describe('screen holds (tests only)', () => {
  it('hold the quoting and issuing screens until released; a screen not held passes', async () => {
    const holds = new ScreenHolds();
    const t = setup('none', { newCard, holdScreen: holds.shown });
    holds.set({ screen: 'quoting', held: true });
    await t.send({ type: 'start' });
    t.insertCard();
    await t.waitFor('pin');
    await t.typePin('1234');
    await t.send({ type: 'pinSubmit' });
    expect(t.session.getView().screen).toBe('menu');
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    const confirmed = t.send({ type: 'confirm' });
    await t.waitFor('quoting');
    await new Promise((r) => setTimeout(r, 50));
    expect(t.session.getView().screen).toBe('quoting');
    expect(t.fake.calls).not.toContain('quote');
    holds.set({ screen: 'quoting', held: false });
    await confirmed;
    expect(t.session.getView().screen).toBe('payment');

    holds.set({ screen: 'issuing', held: true });
    const paid = t.insertCash(500);
    await t.waitFor('issuing');
    expect(t.fake.calls).not.toContain('pay');
    holds.set({ screen: 'issuing', held: false });
    await paid;
    await t.session.idle();
    expect(t.session.getView().screen).toBe('done');
    t.session.close();
  });

  it('hold nothing unless asked', async () => {
    const t = setup('none', { newCard, holdScreen: new ScreenHolds().shown });
    await toPayment(t);
    await t.insertCash(500);
    expect(t.session.getView().screen).toBe('done');
    t.session.close();
  });

  it('show the awaitingResident screen with a stand-in that moves no money, and cancel leaves it for idle', async () => {
    let t: ReturnType<typeof setup> | undefined = undefined;
    const holds = new ScreenHolds((screen) => {
      if (screen === 'awaitingResident') void t!.session.awaitResident(standInHeldTransaction());
    });
    t = setup('none', { newCard, holdScreen: holds.shown });
    holds.set({ screen: 'awaitingResident', held: true });
    await t.waitFor('awaitingResident');
    holds.set({ screen: 'awaitingResident', held: false });
    await t.send({ type: 'cancel' });
    expect(t.session.getView().screen).toBe('idle');
    expect({ calls: t.fake.calls, paidOut: t.cashDevice.paidOut }).toEqual({ calls: [], paidOut: [] });
    t.session.close();
  });
});
