/**
 * Statistics with charts, each also a table (issue 12, item 5): the period's issuances, refusals,
 * failures and kiosk times, and the cost per certificate of a fiscal year. Municipal staff see
 * their own municipality (the center holds them to it whatever is asked); operators and auditors
 * all municipalities or the one they pick. The choice lives in the address.
 */
import { useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { callConsole } from '../api/console.js';
import { useSession } from '../api/session.js';
import { Page } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { CostSection } from '../statistics/CostSection.js';
import { IssuanceCharts } from '../statistics/IssuanceCharts.js';
import { OutcomeCharts } from '../statistics/OutcomeCharts.js';
import { StatisticsFilters } from '../statistics/StatisticsFilters.js';
import { TotalsTable } from '../statistics/TotalsTable.js';
import { choiceParams, fiscalYearOfDate, readChoice, type StatisticsChoice } from '../statistics/statistics-period.js';

export function StatisticsPage() {
  const { t } = useTranslation();
  const me = useSession();
  const [params, setParams] = useSearchParams();
  const choice = readChoice(params, new Date());
  const municipal = me.municipalityCode !== null;
  const municipalityCode = municipal ? me.municipalityCode : choice.municipalityCode;
  const change = (next: Partial<StatisticsChoice>) => setParams(choiceParams({ ...choice, ...next }));
  const list = useQuery({ queryKey: ['municipalities'], queryFn: () => callConsole('municipalities') });
  const names = new Map((list.data?.municipalities ?? []).map((m) => [m.code, m.name]));
  const query = { from: choice.from, to: choice.to, ...(municipalityCode ? { municipalityCode } : {}) };
  const figures = useQuery({ queryKey: ['statistics', query], queryFn: () => callConsole('statistics', { query }) });
  const thisYear = fiscalYearOfDate(choice.to);
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
  if (!years.includes(choice.fiscalYear)) years.push(choice.fiscalYear);
  const scope = municipalityCode ? (names.get(municipalityCode) ?? municipalityCode) : t('statistics.allMunicipalities');
  return (
    <Page
      name="statistics"
      title={t('statistics.title')}
      intro={municipal ? `${t('statistics.intro')} ${t('statistics.municipalIntro')}` : t('statistics.intro')}
    >
      <StatisticsFilters
        from={choice.from}
        to={choice.to}
        municipalityCode={municipalityCode}
        municipalities={municipal ? null : (list.data?.municipalities ?? [])}
        onApply={(picked) => change(picked)}
      />
      <p className="statistics-scope" aria-live="polite">
        {t('statistics.showing', { from: choice.from, to: choice.to, scope })}
      </p>
      <p>{t('statistics.definitions')}</p>
      <QueryState query={figures}>
        {(data) => (
          <>
            <TotalsTable figures={data} />
            <IssuanceCharts figures={data} />
            <OutcomeCharts figures={data} />
          </>
        )}
      </QueryState>
      <CostSection
        fiscalYear={choice.fiscalYear}
        years={years.sort((a, b) => b - a)}
        municipalityCode={municipalityCode}
        names={names}
        onFiscalYear={(fiscalYear) => change({ fiscalYear })}
      />
    </Page>
  );
}
