/**
 * Corrections of closed months waiting in the open months: a late refund or a manual adjustment
 * is entered in the first open month after the month it corrects, and shown here with that month.
 */
import { useQueries } from '@tanstack/react-query';
import type { BillingMonth } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { ErrorMessage, Loading } from '../components/messages.js';
import { billingKeys } from './billing-queries.js';
import { AdjustmentsTable } from './StatementView.js';
import { useBillingWords } from './use-billing-words.js';

export function CarriedAdjustments({ code, openMonths }: { code: string; openMonths: BillingMonth[] }) {
  const words = useBillingWords();
  const { t } = words;
  const statements = useQueries({
    queries: openMonths.map((month) => ({
      queryKey: billingKeys.statement(code, month),
      queryFn: () => callConsole('billingStatement', { params: { municipalityCode: code, month } }),
    })),
  });
  const failed = statements.find((s) => s.error);
  if (failed) return <ErrorMessage error={failed.error} />;
  if (statements.some((s) => s.isPending)) return <Loading />;
  const carrying = statements.flatMap((s) => (s.data && s.data.adjustments.length > 0 ? [s.data] : []));
  if (carrying.length === 0) return <p>{t('billing.municipal.noCarried')}</p>;
  return (
    <>
      {carrying.map((statement) => (
        <AdjustmentsTable
          key={statement.month}
          adjustments={statement.adjustments}
          caption={t('billing.municipal.carriedCaption', { month: words.month(statement.month) })}
          words={words}
          testId={`carried-adjustments-${statement.month}`}
        />
      ))}
    </>
  );
}
