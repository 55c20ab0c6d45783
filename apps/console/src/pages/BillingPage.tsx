/**
 * Billing across municipalities (operators and auditors): the chosen month's close per
 * municipality with its statement and files, store chains' commission, participation charges by
 * fiscal year, and each chain's settlement. What a role may not do is hidden (`operate` changes);
 * the center refuses it anyway. The month, municipality, chain and fiscal year are in the address.
 */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { BillingMonth, MunicipalityCode } from '@madoguchi/shared';
import { useMay } from '../api/session.js';
import { Page } from '../components/Page.js';
import { PlainSelect } from '../forms/fields.js';
import { previousBillingMonth, recentBillingMonths, recentFiscalYears } from '../billing/billing-format.js';
import { ChargesSection } from '../billing/ChargesSection.js';
import { CommissionSection } from '../billing/CommissionSection.js';
import { MonthsSection } from '../billing/MonthsSection.js';
import { SettlementSection } from '../billing/SettlementSection.js';
import { useBillingWords } from '../billing/use-billing-words.js';

/** Two years of months to choose from; an older month still opens from a link. */
const MONTHS_OFFERED = 24;

export function BillingPage() {
  const words = useBillingWords();
  const { t } = words;
  const may = useMay();
  const [params, setParams] = useSearchParams();
  const now = useMemo(() => new Date(), []);
  const asked = BillingMonth.safeParse(params.get('month'));
  const month = asked.success ? asked.data : previousBillingMonth(now);
  const months = recentBillingMonths(now, MONTHS_OFFERED);
  if (!months.includes(month)) months.push(month);
  const municipality = MunicipalityCode.safeParse(params.get('municipality')).data ?? null;
  const fiscalYears = recentFiscalYears(now, 4);
  const askedYear = Number(params.get('fiscalYear'));
  const fiscalYear = fiscalYears.includes(askedYear) ? askedYear : fiscalYears[1]!;
  const set = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );
  if (!may('oversee', null))
    return (
      <Page name="billing" title={t('billing.title')}>
        <p role="alert">{t('common.notAllowed')}</p>
      </Page>
    );
  return (
    <Page name="billing" title={t('billing.title')} intro={t('billing.intro')}>
      <PlainSelect
        label={t('billing.month')}
        options={months.map((m) => ({ id: m, label: words.month(m) }))}
        value={month}
        onChange={(m) => set('month', m)}
      />
      <MonthsSection month={month} municipality={municipality} />
      <SettlementSection month={month} chainCode={params.get('chain')} onChain={(code) => set('chain', code)} />
      <CommissionSection />
      <ChargesSection fiscalYear={fiscalYear} fiscalYears={fiscalYears} onFiscalYear={(y) => set('fiscalYear', String(y))} />
    </Page>
  );
}
