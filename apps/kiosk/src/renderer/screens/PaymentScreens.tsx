/** The fee, then the cash. Money is integer yen throughout; the main process does the sums. */
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { ScreenFrame, Working } from '../components/ScreenFrame.js';
import { CertificateName } from '../components/CertificateName.js';
import { useYen } from '../components/Yen.js';

/** Japanese coins and notes a cash unit accepts (the bridge schema allows exactly these). */
const DEMO_CASH = [10, 50, 100, 500, 1000, 5000, 10000] as const;

export function QuotingScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  const { quote, selected } = view;
  if (!quote || !selected) {
    return (
      <ScreenFrame screen="quoting" heading={t('quoting.heading')} showCancel>
        <Working label={t('common.pleaseWait')} />
      </ScreenFrame>
    );
  }
  return (
    <ScreenFrame
      screen="quoting"
      heading={t('quoting.confirmHeading')}
      showBack
      showCancel
      primary={
        <button type="button" className="primary-button" onClick={() => send({ type: 'confirm' })}>
          {t('quoting.confirm')}
        </button>
      }
    >
      <dl className="summary">
        <dt>{t('quoting.certificate')}</dt>
        <dd>
          <CertificateName type={selected.certificateType} />
        </dd>
        <dt>{t('quoting.copies')}</dt>
        <dd>{t('common.copies', { count: quote.copies })}</dd>
        <dt>{t('quoting.fee')}</dt>
        <dd>{yen(quote.feeYen)}</dd>
        <dt className="total">{t('quoting.total')}</dt>
        <dd className="total" data-testid="quote-total">
          {yen(quote.totalYen)}
        </dd>
      </dl>
    </ScreenFrame>
  );
}

export function PaymentScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  const total = view.quote?.totalYen ?? 0;
  const paid = view.paidYen ?? 0;
  const remaining = Math.max(0, total - paid);
  const change = Math.max(0, paid - total);
  const enough = view.quote !== undefined && paid >= total;
  return (
    <ScreenFrame
      screen="payment"
      heading={t('payment.heading')}
      lead={t('payment.cancelNote')}
      showCancel
      primary={
        <button type="button" className="primary-button" disabled={!enough} onClick={() => send({ type: 'confirm' })}>
          {t('payment.confirm')}
        </button>
      }
    >
      <div className="payment-layout">
        <dl className="money">
          <div className="money-row due">
            <dt>{t('payment.due')}</dt>
            <dd data-testid="amount-due" data-yen={total}>{yen(total)}</dd>
          </div>
          <div className="money-row">
            <dt>{t('payment.inserted')}</dt>
            <dd data-testid="amount-paid" data-yen={paid}>{yen(paid)}</dd>
          </div>
          <div className="money-row remaining" aria-live="polite">
            <dt>{change > 0 ? t('payment.change') : t('payment.remaining')}</dt>
            <dd data-testid="amount-remaining">{yen(change > 0 ? change : remaining)}</dd>
          </div>
        </dl>
        {view.demoCards ? (
          <section className="demo-cash demo" aria-label={t('payment.demoCash')}>
            <h2>{t('payment.demoCash')}</h2>
            <div className="cash-buttons">
              {DEMO_CASH.map((amount) => (
                <button key={amount} type="button" className="cash-button" data-yen={amount} onClick={() => send({ type: 'insertCash', yen: amount })}>
                  {yen(amount)}
                </button>
              ))}
            </div>
          </section>
        ) : null}
      </div>
    </ScreenFrame>
  );
}
