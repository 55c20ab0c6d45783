/** The words of the Issuance log pages (catalog key `issuanceLog`): Japanese first, English with the same keys. */
import type { Widen } from '../catalog-type.js';

export const issuanceLogJa = {
  title: '交付履歴',
};

export const issuanceLogEn: Widen<typeof issuanceLogJa> = {
  title: 'Issuance log',
};
