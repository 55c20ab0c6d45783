/** The municipalities this staff member may see; municipal staff go straight to their own. */
import { Link, Navigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { MunicipalitySummary } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { DataTable } from '../components/DataTable.js';
import { Page } from '../components/Page.js';
import { QueryState } from '../components/messages.js';

const column = createColumnHelper<z.infer<typeof MunicipalitySummary>>();

export function HomePage() {
  const { t } = useTranslation();
  const me = useSession();
  const list = useQuery({ queryKey: ['municipalities'], queryFn: () => callConsole('municipalities'), enabled: !me.municipalityCode });
  if (me.municipalityCode) return <Navigate to={`/municipalities/${me.municipalityCode}`} replace />;
  const columns = [
    column.accessor('code', { header: t('home.code') }),
    column.accessor('prefecture', { header: t('home.prefecture') }),
    column.accessor('name', {
      header: t('home.name'),
      cell: (info) => <Link to={`/municipalities/${info.row.original.code}`}>{info.getValue()}</Link>,
    }),
  ];
  return (
    <Page name="home" title={t('home.title')} intro={t('home.intro')}>
      <QueryState query={list}>
        {(data) => <DataTable caption={t('home.title')} data={data.municipalities} columns={columns} rowKey={(m) => m.code} />}
      </QueryState>
    </Page>
  );
}
