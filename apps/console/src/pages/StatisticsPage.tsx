/** Statistics with charts, each also a table (municipal staff: their own). */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function StatisticsPage() {
  const { t } = useTranslation();
  return <Page name="statistics" title={t('statistics.title')} />;
}
