/**
 * The display modes and the idle warning as the renderer draws them from a view (server-side, no
 * DOM): every screen offers both modes, their state is said by aria-pressed and a mark, the root
 * carries the modes' classes, and the warning is an alert dialog with the seconds main counts.
 */
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { BRIDGE_VERSION, KioskLanguage, KioskScreen, type KioskView } from '@madoguchi/shared';
import { KioskScreenView } from './App.js';
import { catalogs, createKioskI18n } from './i18n/index.js';

createKioskI18n();

const base: KioskView = {
  bridgeVersion: BRIDGE_VERSION,
  revision: 1,
  screen: 'menu',
  language: 'ja',
  readerStatus: 'ready',
  cardPresent: true,
};
const render = (patch: Partial<KioskView>) =>
  renderToStaticMarkup(<KioskScreenView view={{ ...base, ...patch }} send={async () => true} />);
const toggles = (html: string) =>
  [...html.matchAll(/<button[^>]*data-display-mode="(\w+)"[^>]*aria-pressed="(\w+)"[^>]*>(.*?)<\/button>/g)].map((m) => ({
    mode: m[1],
    pressed: m[2],
    text: (m[3] ?? '').replace(/<[^>]+>/g, ''),
  }));

describe('display modes', () => {
  for (const screen of KioskScreen.options) {
    it(`${screen} offers larger text and high contrast in its header`, () => {
      const html = render({ screen });
      expect(toggles(html).map((t) => [t.mode, t.pressed])).toEqual([
        ['largeText', 'false'],
        ['highContrast', 'false'],
      ]);
      expect(html).toMatch(/<header class="screen-header">.*data-display-mode="largeText"/);
    });
  }

  it('says each mode in the resident’s language and marks the ones on beyond colour', () => {
    for (const language of KioskLanguage.options) {
      const html = render({ language, display: { largeText: true, highContrast: false } });
      const [largeText, highContrast] = toggles(html);
      expect(largeText).toEqual({ mode: 'largeText', pressed: 'true', text: `✓${catalogs[language].display.largeText}` });
      expect(highContrast).toEqual({ mode: 'highContrast', pressed: 'false', text: catalogs[language].display.highContrast });
    }
  });

  it('puts the modes on the root, both at once', () => {
    expect(render({})).toMatch(/<div class="kiosk" lang="ja">/);
    expect(render({ display: { largeText: true, highContrast: true } })).toMatch(/<div class="kiosk large-text high-contrast" lang="ja">/);
    expect(render({ display: { largeText: false, highContrast: true } })).toMatch(/<div class="kiosk high-contrast" lang="ja">/);
  });
});

describe('idle warning', () => {
  it('is absent without a countdown in the view', () => {
    const html = render({});
    expect(html).not.toContain('alertdialog');
    expect(html).not.toMatch(/<main[^>]*inert/);
  });

  it('is an alert dialog with the seconds left and a continue button, the screen behind it inert', () => {
    for (const language of KioskLanguage.options) {
      const words = catalogs[language].idleWarning;
      const html = render({ language, idleWarning: { secondsLeft: 17 } });
      expect(html).toMatch(/role="alertdialog" aria-modal="true"/);
      expect(html).toContain(words.heading);
      expect(html).toMatch(new RegExp(`role="timer"[^>]*data-seconds-left="17">${words.secondsLeft.replace('{{count}}', '17')}<`));
      expect(html).toContain(`>${words.continue}</button>`);
      expect(html).toMatch(/<main[^>]*inert=""/);
      // Announced through the live region that was on the page before the warning came.
      expect(html).toMatch(new RegExp(`aria-live="assertive"[^>]*>${words.heading}`));
    }
  });

  it('says the money goes back when the warning comes on the payment screen with cash in', () => {
    const words = catalogs.en.idleWarning;
    expect(render({ language: 'en', screen: 'payment', paidYen: 100, idleWarning: { secondsLeft: 5 } })).toContain(words.cashBack);
    expect(render({ language: 'en', screen: 'menu', idleWarning: { secondsLeft: 5 } })).not.toContain(words.cashBack);
  });
});
