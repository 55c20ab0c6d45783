/** Billing across municipalities: months and their close, store chains and commission, participation charges, settlements. */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function BillingPage() {
  const { t } = useTranslation();
  return <Page name="billing" title={t('billing.title')} />;
}
