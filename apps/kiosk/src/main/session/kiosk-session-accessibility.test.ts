/**
 * What the session does for a resident who needs more time or a different display: the idle
 * warning before the reset (with the production timings, on fake timers once the screen is
 * reached), and the display modes kept for the session and dropped with it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import { cardKey, certificateDer, setup as setupSession, toMenu, toPayment } from './session-test-harness.js';

const newCard = () => new VirtualJpkiCard({ authCertificateDer: certificateDer, authPrivateKey: cardKey.privateKey, authPin: '1234' });
const setup = () => setupSession('none', { newCard });

/** Fake timers from here on; the intent re-arms the idle timer on them (it was armed on the real clock). */
async function fakeClockFrom(t: ReturnType<typeof setup>) {
  vi.useFakeTimers();
  await t.send({ type: 'continueSession' });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the idle warning', () => {
  it('counts the last 30 s of the 120 s down on the screen, and continue keeps the session', async () => {
    const t = setup();
    await toMenu(t);
    await fakeClockFrom(t);
    await vi.advanceTimersByTimeAsync(89_999);
    expect(t.session.getView().idleWarning).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(t.session.getView()).toMatchObject({ screen: 'menu', idleWarning: { secondsLeft: 30 } });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(t.session.getView()).toMatchObject({ screen: 'menu', idleWarning: { secondsLeft: 1 } });
    const counted = t.views.filter((v) => v.idleWarning).map((v) => v.idleWarning!.secondsLeft);
    expect(counted).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));

    await t.send({ type: 'continueSession' });
    expect(t.session.getView().screen).toBe('menu');
    expect(t.session.getView().idleWarning).toBeUndefined();
    expect(t.session.getView().menu).toBeDefined();
    // The whole timeout again, not what was left of it.
    await vi.advanceTimersByTimeAsync(89_999);
    expect(t.session.getView()).toMatchObject({ screen: 'menu' });
    expect(t.session.getView().idleWarning).toBeUndefined();
    await vi.advanceTimersByTimeAsync(30_001);
    await t.session.idle();
    expect(t.session.getView().screen).toBe('idle');
    expect(t.session.getView().idleWarning).toBeUndefined();
    expect(t.session.getView().menu).toBeUndefined();
  });

  it('any touch takes the warning away, and the reset from payment gives the cash back', async () => {
    const t = setup();
    await toPayment(t);
    const box = t.cash();
    await fakeClockFrom(t);
    await vi.advanceTimersByTimeAsync(100_000);
    expect(t.session.getView().idleWarning).toEqual({ secondsLeft: 20 });
    await t.insertCash(100);
    expect(t.session.getView()).toMatchObject({ screen: 'payment', paidYen: 100 });
    expect(t.session.getView().idleWarning).toBeUndefined();
    await vi.advanceTimersByTimeAsync(120_000);
    await t.session.idle();
    expect(t.session.getView().screen).toBe('idle');
    expect(t.fake.calls.at(-1)).toBe('cancel');
    expect(box.movements.at(-1)).toMatchObject({ kind: 'returned', yen: 100 });
  });

  it('goes with the session when the card is taken during it', async () => {
    const t = setup();
    await toPayment(t);
    await t.insertCash(500);
    expect(t.session.getView().screen).toBe('done');
    await fakeClockFrom(t);
    await vi.advanceTimersByTimeAsync(95_000);
    expect(t.session.getView().idleWarning).toEqual({ secondsLeft: 25 });
    t.reader.remove();
    for (let i = 0; i < 100 && t.session.getView().screen !== 'idle'; i++) await vi.advanceTimersByTimeAsync(1);
    expect(t.session.getView().screen).toBe('idle');
    expect(t.session.getView().idleWarning).toBeUndefined();
    const shown = t.views.length;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(t.views.length).toBe(shown);
  });

  it('never shows once the money is committed: the session ends printed, not reset', async () => {
    const t = setup();
    await toPayment(t);
    const release = t.holds.hold('pay');
    await fakeClockFrom(t);
    t.cashDevice.insert(500);
    for (let i = 0; i < 100 && t.session.getView().screen !== 'issuing'; i++) await vi.advanceTimersByTimeAsync(1);
    expect(t.session.getView().screen).toBe('issuing');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(t.session.getView().screen).toBe('issuing');
    expect(t.views.some((v) => v.idleWarning)).toBe(false);
    vi.useRealTimers();
    release();
    await t.waitFor('done');
    expect(t.views.some((v) => v.idleWarning)).toBe(false);
  });
});

describe('display modes', () => {
  it('both may be on at once on any screen, stay for the session, and the next resident starts with neither', async () => {
    const t = setup();
    await t.send({ type: 'setDisplay', mode: 'largeText', on: true });
    expect(t.session.getView().display).toEqual({ largeText: true, highContrast: false });
    await toMenu(t);
    await t.send({ type: 'setDisplay', mode: 'highContrast', on: true });
    expect(t.session.getView()).toMatchObject({ screen: 'menu', display: { largeText: true, highContrast: true } });
    await t.send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
    await t.send({ type: 'setDisplay', mode: 'largeText', on: false });
    expect(t.session.getView()).toMatchObject({ screen: 'options', display: { largeText: false, highContrast: true } });
    await t.send({ type: 'setDisplay', mode: 'largeText', on: true });
    await t.send({ type: 'cancel' });
    expect(t.session.getView().screen).toBe('idle');
    expect(t.session.getView().display).toBeUndefined();
  });

  it('a mode that is not one is refused and changes nothing', async () => {
    const t = setup();
    const before = t.session.getView();
    await expect(t.session.send({ type: 'setDisplay', mode: 'invert', on: true })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(t.session.send({ type: 'setDisplay', mode: 'largeText', on: 'yes' })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(t.session.getView()).toBe(before);
  });
});
