/**
 * The kiosk's languages. The language is part of the view (the main process owns it, so a
 * session that ends returns to Japanese); the renderer only looks words up.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { KioskLanguage } from '@madoguchi/shared';
import type { Catalog } from './catalog-type.js';
import { ja } from './ja.js';
import { en } from './en.js';
import { zh } from './zh.js';
import { ko } from './ko.js';
import { vi } from './vi.js';
import { pt } from './pt.js';

export const catalogs: Record<KioskLanguage, Catalog> = { ja, en, zh, ko, vi, pt };

/** Each language named in itself, so a resident finds theirs without reading Japanese. */
export const languageNames: Record<KioskLanguage, string> = {
  ja: '日本語',
  en: 'English',
  zh: '中文',
  ko: '한국어',
  vi: 'Tiếng Việt',
  pt: 'Português',
};

export function createKioskI18n(): I18n {
  const instance = i18next.createInstance();
  // Resources are bundled, so init completes synchronously; no HTTP backend is allowed by the CSP anyway.
  void instance.use(initReactI18next).init({
    lng: 'ja',
    fallbackLng: 'ja',
    resources: Object.fromEntries(Object.entries(catalogs).map(([lng, catalog]) => [lng, { translation: catalog }])),
    interpolation: { escapeValue: false }, // React escapes.
    initAsync: false,
  });
  return instance;
}

/**
 * A resident-facing message for an error code. The main process already sends ja or en; for the
 * other languages the code is looked up here, and an unknown code falls back to that message.
 */
export function errorText(language: KioskLanguage, code: string, messageFromMain: string | undefined): string {
  if ((language === 'ja' || language === 'en') && messageFromMain) return messageFromMain;
  const translated = (catalogs[language].errors as Record<string, string | undefined>)[code];
  return translated ?? messageFromMain ?? (catalogs.ja.errors as Record<string, string | undefined>)[code] ?? code;
}

/** Integer yen with thousands separators; the currency word comes from the catalog. */
export function formatYenAmount(yen: number): string {
  return yen.toLocaleString('ja-JP');
}
