/**
 * The promises the screen table makes on its own. That the kiosk session does what the table says
 * is tested against the session itself (apps/kiosk/src/main/session/kiosk-session-screens.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { KioskScreen } from './kiosk-bridge.js';
import { EVERY_SCREEN_INTENTS, acceptsIntent, moneyCommitted, nextScreens, screenIntents, type StepIntentType } from './kiosk-screens.js';

const screens = KioskScreen.options;
const screensTaking = (type: StepIntentType) => screens.filter((screen) => screenIntents[screen][type] !== undefined);

describe('kiosk screen table', () => {
  it('lets a resident walk away from every screen until the money is committed, and from none after', () => {
    expect(screens.filter(moneyCommitted)).toEqual(['issuing', 'printing']);
    expect(screensTaking('cancel')).toEqual(screens.filter((screen) => !moneyCommitted(screen)));
    for (const screen of screensTaking('cancel')) expect(nextScreens(screen, 'cancel')).toEqual(['idle']);
    // Paid: the session ends printed or refunded, never on an intent of the screen.
    for (const screen of screens.filter(moneyCommitted)) expect(screenIntents[screen]).toEqual({});
  });

  it('finishes only from a screen that ends the visit', () => {
    expect(screensTaking('finish')).toEqual(['done', 'domicileApplied', 'refused', 'error']);
    for (const screen of screensTaking('finish')) expect(nextScreens(screen, 'finish')).toEqual(['idle']);
  });

  it('goes back one step at a time: to the menu, or from payment to the options', () => {
    expect(Object.fromEntries(screensTaking('back').map((screen) => [screen, nextScreens(screen, 'back')]))).toEqual({
      options: ['menu'],
      payment: ['options'],
      domicileConfirm: ['menu'],
      domicileApplied: ['menu'],
      refused: ['menu'],
    });
  });

  it('reaches payment only through a quote, and a quote only from the options', () => {
    const into = (target: KioskScreen) =>
      screens.flatMap((screen) =>
        Object.entries(screenIntents[screen])
          .filter(([, to]) => to.includes(target))
          .map(([type]) => `${screen}.${type}`),
      );
    expect(into('payment')).toEqual([]); // the quote's answer moves the session there, not an intent
    expect(into('quoting')).toEqual(['options.confirm']);
    expect(into('issuing')).toEqual([]); // only the cash device's money does
  });

  it('takes the language and the demo panel on every screen', () => {
    for (const screen of screens) for (const type of EVERY_SCREEN_INTENTS) expect(acceptsIntent(screen, type)).toBe(true);
    expect(acceptsIntent('menu', 'start')).toBe(false);
    expect(acceptsIntent('idle', 'start')).toBe(true);
  });
});
