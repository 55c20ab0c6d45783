/** The issuance log: search every issuance (municipal staff: their own), export the search as CSV. */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function IssuanceLogPage() {
  const { t } = useTranslation();
  return <Page name="issuance-log" title={t('issuanceLog.title')} />;
}
