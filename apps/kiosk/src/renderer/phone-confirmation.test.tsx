/**
 * The iPhone's guidance (issue 13, item 4): on `authenticating` with phoneConfirmation the screen
 * says to confirm on the iPhone, in each of the six languages, with no PIN pad and a way out.
 */
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { BRIDGE_VERSION, KioskLanguage, type KioskView } from '@madoguchi/shared';
import { KioskScreenView } from './App.js';
import { catalogs, createKioskI18n } from './i18n/index.js';

createKioskI18n();

const view = (language: KioskLanguage, phoneConfirmation?: boolean): KioskView => ({
  bridgeVersion: BRIDGE_VERSION,
  revision: 1,
  screen: 'authenticating',
  language,
  readerStatus: 'ready',
  cardPresent: true,
  ...(phoneConfirmation ? { phoneConfirmation } : {}),
});
const render = (v: KioskView) => renderToStaticMarkup(<KioskScreenView view={v} send={async () => true} />);
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');

describe('confirm on your iPhone', () => {
  for (const language of KioskLanguage.options) {
    it(`guides the resident to the phone in ${language}`, () => {
      const { phoneHeading, phoneLead, heading } = catalogs[language].authenticating;
      const html = render(view(language, true));
      expect(html).toContain(escaped(phoneHeading));
      expect(html).toContain(escaped(phoneLead));
      expect(html).not.toContain(escaped(heading));
      expect(html).not.toContain('class="keypad"');
      expect(html).toContain('nav-button cancel');
      // Without it (a card or an Android phone after its PIN) the screen is the usual identity check.
      expect(render(view(language))).not.toContain(escaped(phoneHeading));
    });
  }
  it('has a translation of both phone refusals in every language', () => {
    for (const language of KioskLanguage.options) {
      expect(catalogs[language].errors.CARD_PHONE_DECLINED).toBeTruthy();
      expect(catalogs[language].errors.CARD_PHONE_TIMEOUT).toBeTruthy();
    }
  });
});
