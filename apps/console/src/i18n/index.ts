/**
 * The console's languages: Japanese first, English second. The choice is remembered in the
 * browser (localStorage), so it survives a sign-out. Error messages come from the shared error
 * catalog by code, so the console and the center say the same words.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { errorCatalog, isErrorCode } from '@madoguchi/shared';
import type { Catalog } from './catalog-type.js';
import { en } from './en.js';
import { ja } from './ja.js';

export type ConsoleLanguage = 'ja' | 'en';
export const consoleLanguages: readonly ConsoleLanguage[] = ['ja', 'en'];
export const catalogs: Record<ConsoleLanguage, Catalog> = { ja, en };

const STORAGE_KEY = 'madoguchi.console.language';

export function storedLanguage(storage: Pick<Storage, 'getItem'> | undefined): ConsoleLanguage {
  const value = storage?.getItem(STORAGE_KEY);
  return value === 'en' ? 'en' : 'ja';
}

export function rememberLanguage(storage: Pick<Storage, 'setItem'> | undefined, language: ConsoleLanguage): void {
  storage?.setItem(STORAGE_KEY, language);
}

export function createConsoleI18n(language: ConsoleLanguage): I18n {
  const instance = i18next.createInstance();
  // Resources are bundled, so init completes synchronously (the CSP allows no other source anyway).
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'ja',
    resources: { ja: { translation: ja }, en: { translation: en } },
    interpolation: { escapeValue: false }, // React escapes.
    initAsync: false,
  });
  return instance;
}

/** A catalog code's message in the page's language; anything else is the catalog's INTERNAL. */
export function errorText(code: string, language: string): string {
  const entry = isErrorCode(code) ? errorCatalog[code] : errorCatalog.INTERNAL;
  return language === 'en' ? entry.en : entry.ja;
}
