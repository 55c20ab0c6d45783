/** The page's language for billing's months and fiscal years, and yen in the catalog's words. */
import { useTranslation } from 'react-i18next';
import type { BillingFiscalYear, BillingMonth } from '@madoguchi/shared';
import { formatJapanTime } from '../time/japan-time.js';
import { billingMonthLabel, fiscalYearLabel, yenAmount, type BillingLanguage } from './billing-format.js';

export function useBillingWords() {
  const { t, i18n } = useTranslation();
  const language: BillingLanguage = i18n.language === 'en' ? 'en' : 'ja';
  return {
    t,
    language,
    month: (month: BillingMonth) => billingMonthLabel(month, language),
    fiscalYear: (year: BillingFiscalYear) => fiscalYearLabel(year, language),
    yen: (amount: number) => t('common.yen', { amount: yenAmount(amount) }),
    time: (instant: string) => formatJapanTime(instant),
  };
}

export type BillingWords = ReturnType<typeof useBillingWords>;
