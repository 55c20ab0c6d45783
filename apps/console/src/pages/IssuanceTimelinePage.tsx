/** One issuance's timeline: every state change, payment, render, delivery, print result, refund and incident. */
import { useTranslation } from 'react-i18next';
import { Page } from '../components/Page.js';

export function IssuanceTimelinePage() {
  const { t } = useTranslation();
  return <Page name="issuance-timeline" title={t('issuanceLog.title')} />;
}
