/**
 * The fleet, one row per kiosk by chain and store: last seen in Japan time ("silent" once the last
 * heartbeat is older than 5 minutes, as the center judges it), the devices' states, the version and
 * the last issuance. Operators revoke a kiosk from its row, after a confirmation.
 */
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { FleetKiosk } from '@madoguchi/shared';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable } from '../components/DataTable.js';
import { formatJapanTime } from '../time/japan-time.js';

const column = createColumnHelper<FleetKiosk>();

function LastSeen({ kiosk }: { kiosk: FleetKiosk }) {
  const { t } = useTranslation();
  if (!kiosk.lastSeenAt) return <>{t('fleet.never')}</>;
  return (
    <>
      {formatJapanTime(kiosk.lastSeenAt)}
      {kiosk.condition === 'silent' ? <strong> {t('fleet.conditions.silent')}</strong> : null}
    </>
  );
}

export function FleetTable({ kiosks, revoke }: { kiosks: FleetKiosk[]; revoke: ((kiosk: FleetKiosk) => Promise<unknown>) | null }) {
  const { t } = useTranslation();
  const columns = [
    column.accessor('chainName', { header: t('fleet.chain'), cell: (c) => c.getValue() ?? t('fleet.noChain') }),
    column.accessor('storeName', {
      header: t('fleet.store'),
      cell: (c) => (
        <>
          {c.getValue()} <code>{c.row.original.storeCode}</code>
        </>
      ),
    }),
    column.accessor('terminalId', { header: t('fleet.terminal'), cell: (c) => <code>{c.getValue()}</code> }),
    column.accessor('lastSeenAt', { header: t('fleet.lastSeen'), cell: (c) => <LastSeen kiosk={c.row.original} /> }),
    column.accessor('condition', { header: t('fleet.condition'), cell: (c) => t(`fleet.conditions.${c.getValue()}`) }),
    column.accessor('printer', {
      header: t('fleet.printer'),
      cell: (c) => (c.getValue() ? t(`fleet.printerStates.${c.getValue()!}`) : ''),
    }),
    column.accessor('reader', { header: t('fleet.reader'), cell: (c) => (c.getValue() ? t(`fleet.readerStates.${c.getValue()!}`) : '') }),
    column.accessor('cash', { header: t('fleet.cash'), cell: (c) => (c.getValue() ? t(`fleet.cashStates.${c.getValue()!}`) : '') }),
    column.accessor('softwareVersion', { header: t('fleet.version'), cell: (c) => c.getValue() ?? '' }),
    column.accessor('lastIssuanceAt', {
      header: t('fleet.lastIssuance'),
      cell: (c) => (c.getValue() ? formatJapanTime(c.getValue()!) : ''),
    }),
  ];
  const manage = revoke
    ? [
        column.display({
          id: 'revoke',
          header: () => <span className="visually-hidden">{t('fleet.revoke')}</span>,
          cell: ({ row }) =>
            row.original.revokedAt ? null : (
              <ConfirmDialog
                triggerLabel={t('fleet.revoke')}
                title={t('fleet.revokeTitle')}
                body={t('fleet.revokeBody', { terminalId: row.original.terminalId, storeName: row.original.storeName })}
                confirmLabel={t('fleet.revoke')}
                danger
                onConfirm={() => revoke(row.original)}
              />
            ),
        }),
      ]
    : [];
  return (
    <DataTable caption={t('fleet.list')} data={kiosks} columns={[...columns, ...manage]} rowKey={(k) => k.terminalId} testId="fleet" />
  );
}
