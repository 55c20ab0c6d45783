/** The kiosk fleet: last seen, state and version per store, with filters; operators enrol and revoke kiosks and add store chains. */
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { mayDo, type FleetQuery } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { Page, Section } from '../components/Page.js';
import { QueryState, StatusMessage } from '../components/messages.js';
import { EnrolKioskForm } from '../fleet/EnrolKioskForm.js';
import { FleetFilters } from '../fleet/FleetFilters.js';
import { FleetTable } from '../fleet/FleetTable.js';
import { StoreChainsPanel } from '../fleet/StoreChainsPanel.js';

/** Kiosks report every minute: the page asks again as often, so a kiosk falling silent shows without a reload. */
const REFRESH_MS = 60_000;

export function FleetPage() {
  const { t } = useTranslation();
  const me = useSession();
  const client = useQueryClient();
  const operate = mayDo(me, 'operate', null);
  const [filters, setFilters] = useState<FleetQuery>({});
  const [status, setStatus] = useState<string | null>(null);
  const fleet = useQuery({
    queryKey: ['fleet', filters],
    queryFn: () => callConsole('fleet', { query: filters }),
    refetchInterval: REFRESH_MS,
  });
  const chains = useQuery({ queryKey: ['storeChains'], queryFn: () => callConsole('storeChains') });
  const refresh = () =>
    Promise.all([client.invalidateQueries({ queryKey: ['fleet'] }), client.invalidateQueries({ queryKey: ['storeChains'] })]);
  return (
    <Page name="fleet" title={t('fleet.title')} intro={t('fleet.intro')}>
      <Section title={t('fleet.list')}>
        <FleetFilters
          filters={filters}
          onChange={setFilters}
          chains={chains.data?.chains ?? []}
          versions={fleet.data?.softwareVersions ?? []}
        />
        <StatusMessage text={status} />
        <QueryState query={fleet}>
          {(data) => (
            <FleetTable
              kiosks={data.kiosks}
              revoke={
                operate
                  ? async (kiosk) => {
                      await callConsole('revokeKiosk', { params: { terminalId: kiosk.terminalId }, body: {} });
                      setStatus(t('fleet.revoked', { terminalId: kiosk.terminalId }));
                      await refresh();
                    }
                  : null
              }
            />
          )}
        </QueryState>
      </Section>
      {operate && chains.data ? (
        <EnrolKioskForm
          chains={chains.data.chains}
          enrol={async (body) => {
            const enrolled = await callConsole('enrolKiosk', { body });
            await refresh();
            return enrolled;
          }}
        />
      ) : null}
      <QueryState query={chains}>
        {(data) => (
          <StoreChainsPanel
            chains={data.chains}
            add={
              operate
                ? async (body) => {
                    const chain = await callConsole('createStoreChain', { body });
                    await refresh();
                    return chain;
                  }
                : null
            }
          />
        )}
      </QueryState>
    </Page>
  );
}
