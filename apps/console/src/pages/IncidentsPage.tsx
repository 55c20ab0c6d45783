/** Incidents: filter, acknowledge, resolve with a note; record a disposal (処分). */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function IncidentsPage() {
  const { t } = useTranslation();
  return <Page name="incidents" title={t('anomalies.title')} />;
}
