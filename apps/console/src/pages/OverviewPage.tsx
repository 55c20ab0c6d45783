/** A municipality at a glance: what is offered at today's fee, registrations waiting, outages now. */
import { Link, useParams } from 'react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { MunicipalityOverview } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { useOverview } from '../layout/layouts.js';
import { formatJapanTime } from '../time/japan-time.js';

type Offering = MunicipalityOverview['offerings'][number];
const column = createColumnHelper<Offering>();

function OverviewBody({ overview }: { overview: MunicipalityOverview }) {
  const { t } = useTranslation();
  const code = overview.municipality.code;
  const inProgress = overview.outages.filter((o) => o.state === 'inProgress');
  const columns = [
    column.accessor('certificateType', { header: t('overview.certificateType'), cell: (c) => t(`certificateTypes.${c.getValue()}`) }),
    column.accessor('enabled', { header: t('overview.offered'), cell: (c) => (c.getValue() ? t('common.yes') : t('common.no')) }),
    column.accessor('feeTodayYen', {
      header: t('overview.feeToday'),
      cell: (c) => {
        const fee = c.getValue();
        return fee === null ? t('common.none') : t('common.yen', { amount: fee.toLocaleString('ja-JP') });
      },
    }),
  ];
  return (
    <>
      <dl className="facts">
        <dt>{t('overview.head')}</dt>
        <dd>
          {overview.head.title} {overview.head.name}
        </dd>
        <dt>{t('overview.pending')}</dt>
        <dd data-testid="pending-count">
          <Link to={`/municipalities/${code}/domicile-registrations`}>
            {t('overview.pendingCount', { count: overview.pendingDomicileRegistrations })}
          </Link>
        </dd>
      </dl>
      <Section title={t('overview.outagesInProgress')}>
        {inProgress.length === 0 ? (
          <p>{t('overview.noOutages')}</p>
        ) : (
          <ul>
            {inProgress.map((o) => (
              <li key={o.outageId}>
                {formatJapanTime(o.from)} – {formatJapanTime(o.until)}: {o.reason}
              </li>
            ))}
          </ul>
        )}
        <Link to={`/municipalities/${code}/hours`}>{t('nav.hours')}</Link>
      </Section>
      <Section title={t('overview.offerings')}>
        <DataTable caption={t('overview.offerings')} data={overview.offerings} columns={columns} rowKey={(o) => o.certificateType} />
        <p>
          <Link to={`/municipalities/${code}/offerings`}>{t('nav.offerings')}</Link> ·{' '}
          <Link to={`/municipalities/${code}/fees`}>{t('nav.fees')}</Link>
        </p>
      </Section>
    </>
  );
}

export function OverviewPage() {
  const { t } = useTranslation();
  const code = useParams().municipalityCode ?? '';
  const overview = useOverview(code);
  return (
    <Page name="overview" title={t('overview.title', { name: overview.data?.municipality.name ?? code })}>
      <QueryState query={overview}>{(data) => <OverviewBody overview={data} />}</QueryState>
    </Page>
  );
}
