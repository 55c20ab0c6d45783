/**
 * One page of the issuance log as a table: ids, codes, amounts, states, store and kiosk, pages and
 * copies (the center sends nothing else), each row linking to its issuance's timeline.
 */
import { Link } from 'react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { IssuanceLogRow } from '@madoguchi/shared';
import { DataTable } from '../components/DataTable.js';
import { formatJapanTime } from '../time/japan-time.js';

const column = createColumnHelper<IssuanceLogRow>();

export function useIssuanceLabels() {
  const { t } = useTranslation();
  return {
    type: (type: string) => t(`certificateTypes.${type}`, { defaultValue: type }),
    state: (state: string) => t(`issuanceLog.states.${state}`, { defaultValue: state }),
    yen: (amount: number | null) => (amount === null ? '' : t('issuanceLog.yen', { amount: amount.toLocaleString('ja-JP') })),
  };
}

export function IssuanceResults({ rows }: { rows: IssuanceLogRow[] }) {
  const { t } = useTranslation();
  const label = useIssuanceLabels();
  const columns = [
    column.accessor('createdAt', { header: t('issuanceLog.createdAt'), cell: (c) => formatJapanTime(c.getValue()) }),
    column.accessor('issuanceId', {
      header: t('issuanceLog.issuanceId'),
      cell: (c) => (
        <Link to={`/issuances/${c.getValue()}`} aria-label={t('issuanceLog.openTimeline', { id: c.getValue() })}>
          <code>{c.getValue().slice(0, 8)}</code>
        </Link>
      ),
    }),
    column.accessor('municipalityCode', { header: t('issuanceLog.municipality') }),
    column.accessor('certificateType', { header: t('issuanceLog.certificateType'), cell: (c) => label.type(c.getValue()) }),
    column.accessor('state', { header: t('issuanceLog.state'), cell: (c) => label.state(c.getValue()) }),
    column.accessor('copies', { header: t('issuanceLog.copies') }),
    column.accessor('pageCount', { header: t('issuanceLog.pages'), cell: (c) => c.getValue() ?? '' }),
    column.accessor('totalYen', { header: t('issuanceLog.totalYen'), cell: (c) => label.yen(c.getValue()) }),
    column.accessor('refundYen', { header: t('issuanceLog.refundYen'), cell: (c) => (c.getValue() ? label.yen(c.getValue()) : '') }),
    column.accessor('chainCode', { header: t('issuanceLog.chain'), cell: (c) => c.getValue() ?? '' }),
    column.accessor((r) => [r.storeCode, r.storeName].filter(Boolean).join(' '), { id: 'store', header: t('issuanceLog.store') }),
    column.accessor('terminalId', { header: t('issuanceLog.kiosk') }),
    column.accessor('issueNumbers', {
      header: t('issuanceLog.issueNumbers'),
      cell: (c) => c.getValue().map((n) => <div key={n}>{n}</div>),
    }),
  ];
  return (
    <DataTable
      caption={t('issuanceLog.resultsCaption', { count: rows.length })}
      data={rows}
      columns={columns}
      rowKey={(r) => r.issuanceId}
      testId="issuance-log"
    />
  );
}
