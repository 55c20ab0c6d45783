/**
 * Incidents: filter, acknowledge, resolve with a note; record a disposal (処分). Operators act;
 * auditors see the same list without action buttons; municipal staff (no `oversee`) see only the
 * disposal form for their own municipality.
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { IncidentView } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useMay } from '../api/session.js';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, Loading } from '../components/messages.js';
import { DisposalSection } from '../anomalies/DisposalForm.js';
import { IncidentFilters, type IncidentFilter } from '../anomalies/IncidentFilters.js';
import { TriageDialog } from '../anomalies/TriageDialog.js';
import { formatJapanTime } from '../time/japan-time.js';

const column = createColumnHelper<IncidentView>();

/** Where it happened and what the recorder kept, wrapped within the cell (ids are long). */
function Detail({ incident }: { incident: IncidentView }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [t('anomalies.municipalityCode'), incident.municipalityCode ?? ''],
    [t('anomalies.terminalId'), incident.terminalId ?? ''],
    [t('anomalies.issuance'), incident.issuanceId ?? ''],
    ...Object.entries(incident.detail).map(([key, value]): [string, string] => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  ];
  return (
    <dl className="history-detail">
      {rows
        .filter(([, value]) => value !== '')
        .map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              <code>{value}</code>
            </dd>
          </div>
        ))}
    </dl>
  );
}

function Handling({ incident }: { incident: IncidentView }) {
  const { t } = useTranslation();
  return (
    <div>
      {incident.acknowledgedAt ? (
        <p>
          {t('anomalies.acknowledgedBy', { staffId: incident.acknowledgedBy ?? '—' })} {formatJapanTime(incident.acknowledgedAt)}
          {incident.acknowledgementNote ? <span className="note"> {incident.acknowledgementNote}</span> : null}
        </p>
      ) : null}
      {incident.resolvedAt ? (
        <p>
          {t('anomalies.resolvedBy', { staffId: incident.resolvedBy ?? '—' })} {formatJapanTime(incident.resolvedAt)}
          {incident.resolutionNote ? <span className="note"> {incident.resolutionNote}</span> : null}
        </p>
      ) : null}
    </div>
  );
}

function useIncidentColumns(mayOperate: boolean, onDone: () => void) {
  const { t } = useTranslation();
  const columns = [
    column.accessor('createdAt', { header: t('anomalies.createdAt'), cell: (c) => formatJapanTime(c.getValue()) }),
    column.accessor('kind', { header: t('anomalies.kind'), cell: (c) => t(`anomalies.kinds.${c.getValue()}`) }),
    column.accessor('state', { header: t('anomalies.state'), cell: (c) => t(`anomalies.states.${c.getValue()}`) }),
    column.display({ id: 'detail', header: t('anomalies.detail'), cell: ({ row }) => <Detail incident={row.original} /> }),
    column.display({ id: 'handling', header: t('anomalies.handledBy'), cell: ({ row }) => <Handling incident={row.original} /> }),
  ];
  if (!mayOperate) return columns;
  return [
    ...columns,
    column.display({
      id: 'actions',
      header: t('anomalies.actions'),
      cell: ({ row }) =>
        row.original.state === 'resolved' ? null : (
          <div className="actions">
            {row.original.state === 'open' ? <TriageDialog incident={row.original} action="acknowledge" onDone={onDone} /> : null}
            <TriageDialog incident={row.original} action="resolve" onDone={onDone} />
          </div>
        ),
    }),
  ];
}

function IncidentList({ mayOperate }: { mayOperate: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [filter, setFilter] = useState<IncidentFilter>({ state: 'open' });
  const incidents = useInfiniteQuery({
    queryKey: ['incidents', filter],
    queryFn: ({ pageParam }) => callConsole('incidents', { query: { ...filter, ...(pageParam ? { after: pageParam } : {}), limit: 50 } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });
  const columns = useIncidentColumns(mayOperate, () => void client.invalidateQueries({ queryKey: ['incidents'] }));
  const rows = incidents.data?.pages.flatMap((page) => page.incidents) ?? [];
  return (
    <>
      <IncidentFilters initial={filter} onApply={setFilter} />
      <Section title={t('anomalies.list')} id="incident-list">
        {incidents.error ? <ErrorMessage error={incidents.error} /> : null}
        {incidents.isPending ? (
          <Loading />
        ) : (
          <DataTable caption={t('anomalies.list')} data={rows} columns={columns} rowKey={(i) => i.incidentId} testId="incidents" />
        )}
        {incidents.hasNextPage ? (
          <Button className="button secondary" isDisabled={incidents.isFetchingNextPage} onPress={() => void incidents.fetchNextPage()}>
            {t('anomalies.more')}
          </Button>
        ) : incidents.data ? (
          <p>{t('anomalies.end')}</p>
        ) : null}
      </Section>
    </>
  );
}

export function IncidentsPage() {
  const { t } = useTranslation();
  const may = useMay();
  const mayOversee = may('oversee', null);
  return (
    <Page name="incidents" title={t('anomalies.title')} intro={mayOversee ? t('anomalies.intro') : t('anomalies.disposalIntro')}>
      {mayOversee ? <IncidentList mayOperate={may('operate', null)} /> : null}
      {may('dispose', null) ? <DisposalSection /> : null}
    </Page>
  );
}
