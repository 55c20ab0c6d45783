/** The words of the Billing pages (catalog key `billing`): Japanese first, English with the same keys. */
import type { Widen } from '../catalog-type.js';

export const billingJa = {
  title: '請求と精算',
};

export const billingEn: Widen<typeof billingJa> = {
  title: 'Billing',
};
