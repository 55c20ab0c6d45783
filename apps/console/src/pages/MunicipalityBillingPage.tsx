/** A municipality's own monthly statements (PDF, CSV) and yearly participation charge. */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function MunicipalityBillingPage() {
  const { t } = useTranslation();
  return <Page name="municipality-billing" title={t('billing.title')} />;
}
