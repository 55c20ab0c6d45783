/**
 * The development fake follows the screen table the main process follows (kiosk-screens.ts): it
 * used to copy the back-navigation rules, and a copy drifts.
 */
import { KioskScreen, nextScreens, screenIntents, type KioskIntent, type StepIntentType } from '@madoguchi/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeBridge } from './fake-bridge.js';

const stepIntents: Record<StepIntentType, KioskIntent> = {
  start: { type: 'start' },
  pinKey: { type: 'pinKey', position: 0 },
  pinBackspace: { type: 'pinBackspace' },
  pinSubmit: { type: 'pinSubmit' },
  chooseCertificate: { type: 'chooseCertificate', certificateType: 'residenceRecord' },
  applyDomicileRegistration: { type: 'applyDomicileRegistration' },
  setOptions: { type: 'setOptions', options: {}, copies: 2 },
  confirm: { type: 'confirm' },
  back: { type: 'back' },
  cancel: { type: 'cancel' },
  finish: { type: 'finish' },
};

const at = (screen: KioskScreen) => createFakeBridge(new URLSearchParams({ fake: '1', screen }));

describe('development fake bridge', () => {
  // The fake's later steps (a quote arriving, a card read) must not move the screen under the test.
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  for (const screen of KioskScreen.options) {
    const to = nextScreens(screen, 'back');
    it(`goes back from ${screen} where the table says (${to?.[0] ?? 'nowhere'})`, async () => {
      const bridge = at(screen);
      const before = await bridge.getView();
      await bridge.send({ type: 'back' });
      const after = await bridge.getView();
      if (to) expect(after.screen).toBe(to[0]);
      else expect(after).toBe(before);
    });

    it(`ignores on ${screen} every intent the table does not list for it`, async () => {
      const bridge = at(screen);
      const before = await bridge.getView();
      for (const type of Object.keys(stepIntents) as StepIntentType[]) {
        if (screenIntents[screen][type] !== undefined) continue;
        await bridge.send(stepIntents[type]);
        expect(await bridge.getView(), `${type} on ${screen}`).toBe(before);
      }
    });
  }
});
