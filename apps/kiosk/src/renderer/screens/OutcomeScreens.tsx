/** Issuing and printing, and how a session ends: done, refused before payment, or failed after it. */
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { errorText } from '../i18n/index.js';
import { ScreenFrame, Working } from '../components/ScreenFrame.js';
import { useYen } from '../components/Yen.js';

export function IssuingScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="issuing" heading={t('issuing.heading')} lead={t('issuing.lead')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}

export function PrintingScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="printing" heading={t('printing.heading')} lead={t('printing.lead')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}

/** 取り忘れ防止: the card and the certificate, named one by one, each ticked off when taken. */
export function DoneScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  return (
    <ScreenFrame
      screen="done"
      heading={t('done.heading')}
      primary={
        <button type="button" className="primary-button" onClick={() => void send({ type: 'finish' })}>
          {t('done.finish')}
        </button>
      }
    >
      <ul className="take-list">
        <li className={view.cardPresent ? 'take pending' : 'take taken'} data-testid="take-card">
          <span className="take-mark" aria-hidden="true">
            {view.cardPresent ? '!' : '✓'}
          </span>
          {t('done.takeCard')}
        </li>
        <li className="take pending" data-testid="take-certificate">
          <span className="take-mark" aria-hidden="true">
            !
          </span>
          {t('done.takeCertificate')}
          {view.printedDocuments !== undefined ? (
            <span className="take-detail">{t('done.printed', { count: view.printedDocuments })}</span>
          ) : null}
        </li>
        {view.refundYen !== undefined && view.refundYen > 0 ? (
          <li className="take pending" data-testid="take-change">
            <span className="take-mark" aria-hidden="true">
              !
            </span>
            {t('done.takeChange', { amount: yen(view.refundYen) })}
          </li>
        ) : null}
      </ul>
    </ScreenFrame>
  );
}

export function RefusedScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  // With a menu the resident may choose another certificate; without one (the card was removed,
  // the session is over) the only way on is to finish.
  const canChooseAgain = (view.menu?.length ?? 0) > 0;
  return (
    <ScreenFrame
      screen="refused"
      heading={t('refused.heading')}
      lead={t('refused.lead')}
      showCancel={canChooseAgain}
      ownsError
      primary={
        canChooseAgain ? (
          <button type="button" className="primary-button" onClick={() => void send({ type: 'back' })}>
            {t('refused.backToMenu')}
          </button>
        ) : (
          <button type="button" className="primary-button" onClick={() => void send({ type: 'finish' })}>
            {t('common.finish')}
          </button>
        )
      }
    >
      <ErrorDetail />
    </ScreenFrame>
  );
}

export function ErrorScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  const refund = view.refundYen ?? 0;
  return (
    <ScreenFrame
      screen="error"
      heading={t('error.heading')}
      ownsError
      primary={
        <button type="button" className="primary-button" onClick={() => void send({ type: 'finish' })}>
          {t('error.finish')}
        </button>
      }
    >
      <ErrorDetail />
      <p className={refund > 0 ? 'refund' : 'notice'} data-testid="refund">
        {refund > 0 ? t('error.refund', { amount: yen(refund) }) : t('error.noCharge')}
      </p>
    </ScreenFrame>
  );
}

function ErrorDetail() {
  const { view } = useKiosk();
  const { t } = useKioskT();
  if (!view.error) return null;
  return (
    <div className="error-detail" role="alert" data-error-code={view.error.code}>
      <p className="error-message">{errorText(view.language, view.error.code, view.error.message)}</p>
      <p className="error-code">
        {t('common.errorCode')}: <code>{view.error.code}</code>
      </p>
    </div>
  );
}
