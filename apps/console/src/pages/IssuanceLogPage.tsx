/** The issuance log: search every issuance (municipal staff: their own), export the search as CSV. */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { IssuanceLogFilter } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { Page, Section } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { IssuanceResults } from '../issuance-log/IssuanceResults.js';
import { IssuanceSearchForm } from '../issuance-log/IssuanceSearchForm.js';
import { exportHref, filterFromParams } from '../issuance-log/search-params.js';

const PAGE_SIZE = 50;

export function IssuanceLogPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  // The keyset cursors of the pages before this one: "previous" pops, "next" pushes (the center pages forward only).
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const results = useQuery({
    queryKey: ['issuances', filter, cursor],
    queryFn: () => callConsole('searchIssuances', { query: { ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }),
    placeholderData: keepPreviousData,
  });
  const search = (next: IssuanceLogFilter) => {
    setCursors([]);
    setParams(new URLSearchParams(next as Record<string, string>));
  };
  return (
    <Page name="issuance-log" title={t('issuanceLog.title')} intro={t('issuanceLog.intro')}>
      <Section title={t('issuanceLog.searchTitle')} id="issuance-search">
        <IssuanceSearchForm key={params.toString()} filter={filter} onSearch={search} />
      </Section>
      <Section title={t('issuanceLog.results')} id="issuance-results">
        <p className="hint">{t('issuanceLog.exportHint')}</p>
        <a className="button secondary" href={exportHref(filter)} download data-testid="issuance-export">
          {t('issuanceLog.export')}
        </a>
        <QueryState query={results}>{(page) => <IssuanceResults rows={page.rows} />}</QueryState>
        <nav className="actions" aria-label={t('issuanceLog.pageNumber', { page: cursors.length + 1 })}>
          <Button className="button secondary" isDisabled={cursors.length === 0} onPress={() => setCursors(cursors.slice(0, -1))}>
            {t('issuanceLog.previous')}
          </Button>
          <span>{t('issuanceLog.pageNumber', { page: cursors.length + 1 })}</span>
          <Button
            className="button secondary"
            isDisabled={!results.data?.nextCursor || results.isFetching}
            onPress={() => results.data?.nextCursor && setCursors([...cursors, results.data.nextCursor])}
          >
            {t('issuanceLog.next')}
          </Button>
        </nav>
      </Section>
    </Page>
  );
}
