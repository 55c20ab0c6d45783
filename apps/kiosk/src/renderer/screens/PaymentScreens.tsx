/**
 * The fee, then the cash. The main process asks the center for the fee (quoting) and moves on to
 * issuing by itself once enough money is in; money is integer yen and the sums are main's. The
 * money goes into the machine's cash unit, never through this screen (the demo's simulated unit
 * is fed from the demo panel).
 */
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { ScreenFrame, Working } from '../components/ScreenFrame.js';
import { CertificateName } from '../components/CertificateName.js';
import { useYen } from '../components/Yen.js';

export function QuotingScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="quoting" heading={t('quoting.heading')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}

export function PaymentScreen() {
  const { view } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  const total = view.quote?.totalYen ?? 0;
  const paid = view.paidYen ?? 0;
  const remaining = Math.max(0, total - paid);
  const change = Math.max(0, paid - total);
  return (
    <ScreenFrame screen="payment" heading={t('payment.heading')} lead={t('payment.cancelNote')} showBack showCancel>
      <div className="payment-layout">
        <div>
          {view.selected && view.quote ? (
            <p className="order" data-testid="order">
              <CertificateName type={view.selected.certificateType} />
              <span className="order-detail">
                {t('payment.fee')} {yen(view.quote.feeYen)} × {t('common.copies', { count: view.quote.copies })}
              </span>
            </p>
          ) : null}
          <dl className="money">
            <div className="money-row due">
              <dt>{t('payment.due')}</dt>
              <dd data-testid="amount-due" data-yen={total}>
                {yen(total)}
              </dd>
            </div>
            <div className="money-row">
              <dt>{t('payment.inserted')}</dt>
              <dd data-testid="amount-paid" data-yen={paid}>
                {yen(paid)}
              </dd>
            </div>
            <div className="money-row remaining" aria-live="polite">
              <dt>{change > 0 ? t('payment.change') : t('payment.remaining')}</dt>
              <dd data-testid="amount-remaining">{yen(change > 0 ? change : remaining)}</dd>
            </div>
          </dl>
        </div>
        <p className="insert-cash" data-testid="insert-cash">
          {t('payment.insertIntoMachine')}
        </p>
      </div>
    </ScreenFrame>
  );
}
