/** One issuance's timeline: every state change, payment, render, delivery, print result, refund and incident. */
import { Fragment } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { IssuanceLogRow } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { Page, Section } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { useIssuanceLabels } from '../issuance-log/IssuanceResults.js';
import { PersonalDataSection } from '../issuance-log/RevealPersonalData.js';
import { DocumentsTable, TimelineTable } from '../issuance-log/TimelineTables.js';
import { formatJapanTime } from '../time/japan-time.js';

function Summary({ issuance }: { issuance: IssuanceLogRow }) {
  const { t } = useTranslation();
  const label = useIssuanceLabels();
  const facts: [string, string][] = [
    [t('issuanceLog.issuanceId'), issuance.issuanceId],
    [t('issuanceLog.createdAt'), formatJapanTime(issuance.createdAt)],
    [t('issuanceLog.municipality'), issuance.municipalityCode],
    [t('issuanceLog.certificateType'), label.type(issuance.certificateType)],
    [t('issuanceLog.state'), label.state(issuance.state)],
    [t('issuanceLog.failureCode'), issuance.failureCode ?? ''],
    [t('issuanceLog.copies'), String(issuance.copies)],
    [t('issuanceLog.pages'), issuance.pageCount === null ? '' : String(issuance.pageCount)],
    [t('issuanceLog.feeYen'), label.yen(issuance.feeYen)],
    [t('issuanceLog.totalYen'), label.yen(issuance.totalYen)],
    [t('issuanceLog.paidYen'), label.yen(issuance.paidYen)],
    [t('issuanceLog.refundYen'), label.yen(issuance.refundYen)],
    [t('issuanceLog.chain'), issuance.chainCode ?? ''],
    [t('issuanceLog.store'), [issuance.storeCode, issuance.storeName].filter(Boolean).join(' ')],
    [t('issuanceLog.kiosk'), issuance.terminalId],
  ];
  return (
    <dl className="facts" data-testid="issuance-summary">
      {facts.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

export function IssuanceTimelinePage() {
  const { t } = useTranslation();
  const { issuanceId = '' } = useParams();
  const timeline = useQuery({
    queryKey: ['issuanceTimeline', issuanceId],
    queryFn: () => callConsole('issuanceTimeline', { params: { issuanceId } }),
  });
  return (
    <Page name="issuance-timeline" title={t('issuanceLog.timelineTitle')}>
      <p>
        <Link to="/issuances">{t('issuanceLog.backToLog')}</Link>
      </p>
      <QueryState query={timeline}>
        {(data) => (
          <>
            <Section title={t('issuanceLog.summary')} id="issuance-summary">
              <Summary issuance={data.issuance} />
            </Section>
            <PersonalDataSection issuanceId={issuanceId} />
            <Section title={t('issuanceLog.documents')} id="issuance-documents">
              <DocumentsTable documents={data.documents} />
            </Section>
            <Section title={t('issuanceLog.timeline')} id="issuance-timeline">
              <TimelineTable entries={data.entries} />
            </Section>
          </>
        )}
      </QueryState>
    </Page>
  );
}
