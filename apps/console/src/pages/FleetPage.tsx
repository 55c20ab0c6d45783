/** The kiosk fleet: last seen, state and version per store; enrol and revoke. */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function FleetPage() {
  const { t } = useTranslation();
  return <Page name="fleet" title={t('fleet.title')} />;
}
