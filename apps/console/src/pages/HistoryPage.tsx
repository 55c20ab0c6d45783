/** The municipality's rows of the hash-chained history, newest first, a page at a time (keyset). */
import { Button } from 'react-aria-components';
import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { HistoryEntry } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { DataTable } from '../components/DataTable.js';
import { Page } from '../components/Page.js';
import { ErrorMessage, Loading } from '../components/messages.js';
import { historyDetailView } from '../history/history-detail.js';
import { formatJapanTime } from '../time/japan-time.js';
import { useMunicipalityPage } from './municipality-page.js';

type Entry = z.infer<typeof HistoryEntry>;
const column = createColumnHelper<Entry>();

function Detail({ entry }: { entry: Entry }) {
  const { t } = useTranslation();
  const view = historyDetailView(entry.detail);
  return (
    <dl className="history-detail">
      {view.section ? (
        <>
          <dt>{t('history.section')}</dt>
          <dd>{view.section}</dd>
        </>
      ) : null}
      {view.before !== null ? (
        <>
          <dt>{t('history.before')}</dt>
          <dd>
            <code>{view.before}</code>
          </dd>
        </>
      ) : null}
      {view.after !== null ? (
        <>
          <dt>{t('history.after')}</dt>
          <dd>
            <code>{view.after}</code>
          </dd>
        </>
      ) : null}
      {view.other.map(([key, value]) => (
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

export function HistoryPage() {
  const { t } = useTranslation();
  const { code } = useMunicipalityPage('read');
  const history = useInfiniteQuery({
    queryKey: ['history', code],
    queryFn: ({ pageParam }) => callConsole('history', { params: { municipalityCode: code }, query: { before: pageParam, limit: 50 } }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const columns = [
    column.accessor('sequence', { header: t('history.sequence') }),
    column.accessor('at', { header: t('history.at'), cell: (c) => formatJapanTime(c.getValue()) }),
    column.accessor('event', { header: t('history.event'), cell: (c) => t(`events.${c.getValue()}`, { defaultValue: c.getValue() }) }),
    column.accessor('staffId', { header: t('history.staffId'), cell: (c) => c.getValue() ?? '' }),
    column.accessor('certificateType', {
      header: t('history.certificateType'),
      cell: (c) => (c.getValue() ? t(`certificateTypes.${c.getValue()}`, { defaultValue: c.getValue() }) : ''),
    }),
    column.display({ id: 'detail', header: t('history.detail'), cell: ({ row }) => <Detail entry={row.original} /> }),
  ];
  const entries = history.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <Page name="history" title={t('history.title')} intro={t('history.intro')}>
      {history.error ? <ErrorMessage error={history.error} /> : null}
      {history.isPending ? (
        <Loading />
      ) : (
        <DataTable caption={t('history.title')} data={entries} columns={columns} rowKey={(e) => String(e.sequence)} testId="history" />
      )}
      {history.hasNextPage ? (
        <Button className="button secondary" isDisabled={history.isFetchingNextPage} onPress={() => void history.fetchNextPage()}>
          {t('history.older')}
        </Button>
      ) : history.data ? (
        <p>{t('history.end')}</p>
      ) : null}
    </Page>
  );
}
