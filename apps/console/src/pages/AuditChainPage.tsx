/** The audit chain: verify it, and the signed daily heads published to a file. */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function AuditChainPage() {
  const { t } = useTranslation();
  return <Page name="audit-chain" title={t('anomalies.title')} />;
}
