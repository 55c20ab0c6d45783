/**
 * A municipality's own billing (its staff and operators): its months with their statements and
 * files, its participation charge and band per fiscal year, and the corrections of closed months
 * carried into an open month. The statement shown is ?month=, else the newest closed month.
 */
import { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { BillingMonth, fiscalYearOf, type BillingProfile } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { Page, Section } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { BillingFileButtons } from '../billing/BillingFileButtons.js';
import { CarriedAdjustments } from '../billing/CarriedAdjustments.js';
import { ProfilesTable } from '../billing/ChargesSection.js';
import { MunicipalMonthsTable } from '../billing/MunicipalMonthsTable.js';
import { StatementView } from '../billing/StatementView.js';
import { defaultStatementMonth } from '../billing/billing-format.js';
import { billingKeys } from '../billing/billing-queries.js';
import { useBillingWords, type BillingWords } from '../billing/use-billing-words.js';

function Statement({ code, name, month }: { code: string; name: string; month: BillingMonth }) {
  const words = useBillingWords();
  const { t } = words;
  const params = { municipalityCode: code, month };
  const statement = useQuery({ queryKey: billingKeys.statement(code, month), queryFn: () => callConsole('billingStatement', { params }) });
  return (
    <Section title={t('billing.statement.title', { name, month: words.month(month) })} id="billing-statement">
      <QueryState query={statement}>
        {(data) => (
          <StatementView
            statement={data}
            actions={
              <BillingFileButtons
                load={(format) => callConsole('billingStatementFile', { params, query: { format } })}
                labels={{ pdf: t('billing.files.statementPdf'), csv: t('billing.files.statementCsv') }}
                fallbackName={`statement-${code}-${month}`}
              />
            }
          />
        )}
      </QueryState>
    </Section>
  );
}

function CurrentCharge({ profiles, words }: { profiles: z.infer<typeof BillingProfile>[]; words: BillingWords }) {
  const { t } = words;
  const current = useMemo(() => fiscalYearOf(new Date()), []);
  const profile = profiles.find((p) => p.fiscalYear === current);
  return (
    <p data-testid="current-charge">
      <strong>{words.fiscalYear(current)}</strong>
      {': '}
      {profile
        ? `${t(`billing.bands.${profile.band}`)} — ${t('billing.charges.annual')} ${words.yen(profile.annualChargeYen)}`
        : t('billing.charges.noProfile')}
    </p>
  );
}

export function MunicipalityBillingPage() {
  const words = useBillingWords();
  const { t } = words;
  const code = useParams().municipalityCode ?? '';
  const [params] = useSearchParams();
  const view = useQuery({
    queryKey: billingKeys.municipality(code),
    queryFn: () => callConsole('municipalityBilling', { params: { municipalityCode: code } }),
  });
  const asked = BillingMonth.safeParse(params.get('month'));
  return (
    <Page name="municipality-billing" title={t('billing.title')} intro={t('billing.municipalIntro')}>
      <QueryState query={view}>
        {(data) => {
          const month = asked.success ? asked.data : defaultStatementMonth(data.months);
          const openMonths = data.months.filter((m) => m.state === 'open').map((m) => m.month);
          return (
            <>
              <Section title={t('billing.municipal.months')} id="municipal-billing-months">
                {data.months.length === 0 ? <p>{t('billing.noMonths')}</p> : null}
                <MunicipalMonthsTable months={data.months} selected={month} words={words} />
              </Section>
              {month ? <Statement key={month} code={code} name={data.municipalityName} month={month} /> : null}
              <Section title={t('billing.municipal.carried')} id="municipal-billing-carried">
                <p className="intro">{t('billing.municipal.carriedIntro')}</p>
                <CarriedAdjustments code={code} openMonths={openMonths} />
              </Section>
              <Section title={t('billing.municipal.charge')} id="municipal-billing-charge">
                <CurrentCharge profiles={data.profiles} words={words} />
                <ProfilesTable profiles={data.profiles} caption={t('billing.municipal.chargeCaption')} words={words} />
              </Section>
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}
