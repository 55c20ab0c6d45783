/** An issuance's documents and its timeline (history, documents, incidents, ledger) as tables. */
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { IssuanceTimeline, TimelineEntry } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { formatJapanTime } from '../time/japan-time.js';

type TimelineDocument = IssuanceTimeline['documents'][number];
const documentColumn = createColumnHelper<TimelineDocument>();
const entryColumn = createColumnHelper<TimelineEntry>();
const time = (value: string | null) => (value ? formatJapanTime(value) : '');

export function DocumentsTable({ documents }: { documents: TimelineDocument[] }) {
  const { t } = useTranslation();
  const columns = [
    documentColumn.accessor('copyIndex', { header: t('issuanceLog.copyIndex'), cell: (c) => c.getValue() }),
    documentColumn.accessor('issueNumber', { header: t('issuanceLog.issueNumber') }),
    documentColumn.accessor('pageCount', { header: t('issuanceLog.pages'), cell: (c) => c.getValue() ?? '' }),
    documentColumn.accessor('printOutcome', { header: t('issuanceLog.printOutcome'), cell: (c) => c.getValue() ?? '' }),
    documentColumn.accessor('reportedAt', { header: t('issuanceLog.reportedAt'), cell: (c) => time(c.getValue()) }),
    documentColumn.accessor('pdfDeletedAt', { header: t('issuanceLog.pdfDeletedAt'), cell: (c) => time(c.getValue()) }),
  ];
  return (
    <DataTable
      caption={t('issuanceLog.documents')}
      data={documents}
      columns={columns}
      rowKey={(d) => d.issueNumber}
      testId="issuance-documents"
    />
  );
}

function Detail({ detail }: { detail: Record<string, unknown> }) {
  const entries = Object.entries(detail);
  if (entries.length === 0) return null;
  return (
    <dl className="history-detail">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function TimelineTable({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation();
  const eventLabel = (entry: TimelineEntry) =>
    t(`issuanceLog.timelineEvents.${entry.event}`, { defaultValue: t(`events.${entry.event}`, { defaultValue: entry.event }) });
  const columns = [
    entryColumn.accessor('at', { header: t('issuanceLog.at'), cell: (c) => formatJapanTime(c.getValue()) }),
    entryColumn.accessor('source', { header: t('issuanceLog.source'), cell: (c) => t(`issuanceLog.sources.${c.getValue()}`) }),
    entryColumn.accessor('event', { header: t('issuanceLog.event'), cell: (c) => eventLabel(c.row.original) }),
    entryColumn.display({ id: 'detail', header: t('issuanceLog.detail'), cell: ({ row }) => <Detail detail={row.original.detail} /> }),
  ];
  return (
    <DataTable
      caption={t('issuanceLog.timelineCaption')}
      data={entries}
      columns={columns}
      rowKey={(e, i) => `${e.source}-${e.sequence ?? i}`}
      testId="issuance-timeline"
    />
  );
}
