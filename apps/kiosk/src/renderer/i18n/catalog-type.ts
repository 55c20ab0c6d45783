/**
 * The shape every language catalog has: the Japanese catalog's keys, with any string as value.
 * Deriving the type from `ja` makes a missing key a type error in the other catalogs; the
 * catalogs test checks the same at run time (and that no language carries extra keys).
 */
import { errorCatalog, type ErrorCode } from '@madoguchi/shared';
import type { ja } from './ja.js';

type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> };

/** Codes a resident can see at the kiosk (refusals, card and issuance failures). */
export type ResidentErrorCode = {
  [K in ErrorCode]: (typeof errorCatalog)[K]['audience'] extends 'resident' ? K : never;
}[ErrorCode];

export const residentErrorCodes = (Object.keys(errorCatalog) as ErrorCode[]).filter(
  (code): code is ResidentErrorCode => errorCatalog[code].audience === 'resident',
);

/**
 * Partial on purpose: a code added to the shared catalog must not break the kiosk's build; the
 * screen falls back to the message the main process sent (ja/en), and the catalogs test reports
 * the missing translation.
 */
export type ErrorMessages = Partial<Record<ResidentErrorCode, string>>;

export type Catalog = Widen<Omit<typeof ja, 'errors'>> & { errors: ErrorMessages };

/** ja and en come straight from the shared catalog, so there is one source for those words. */
export function sharedErrorMessages(language: 'ja' | 'en'): ErrorMessages {
  const messages: ErrorMessages = {};
  for (const code of residentErrorCodes) messages[code] = errorCatalog[code][language];
  return messages;
}
