/**
 * The idle warning: the main process counts the seconds before it resets the session
 * (`view.idleWarning`); this dialog shows them and offers to continue. The screen behind it is
 * inert while it shows (ScreenFrame), so the one thing to touch is "continue".
 */
import { useEffect, useId, useRef } from 'react';
import { useKiosk, useKioskT } from '../kiosk-context.js';

export function IdleWarning() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const headingId = useId();
  const messageId = useId();
  const continueButton = useRef<HTMLButtonElement>(null);
  const showing = view.idleWarning !== undefined;
  useEffect(() => {
    // Focus into the alert dialog, as screen readers expect, once when it opens (not on every second).
    if (showing) continueButton.current?.focus();
  }, [showing]);
  if (!view.idleWarning) return null;
  const cashBack = view.screen === 'payment' && (view.paidYen ?? 0) > 0;
  return (
    <div className="idle-warning-backdrop">
      <div className="idle-warning" role="alertdialog" aria-modal="true" aria-labelledby={headingId} aria-describedby={messageId}>
        <h2 id={headingId}>{t('idleWarning.heading')}</h2>
        <p id={messageId}>
          {t('idleWarning.message')}
          {cashBack ? ` ${t('idleWarning.cashBack')}` : ''}
        </p>
        {/* role=timer is not read out on every tick; the announcement is the live region's (IdleAnnouncement). */}
        <p className="idle-countdown" role="timer" data-testid="idle-countdown" data-seconds-left={view.idleWarning.secondsLeft}>
          {t('idleWarning.secondsLeft', { count: view.idleWarning.secondsLeft })}
        </p>
        <button ref={continueButton} type="button" className="primary-button" onClick={() => void send({ type: 'continueSession' })}>
          {t('idleWarning.continue')}
        </button>
      </div>
    </div>
  );
}

/**
 * A live region that is always on the page, so the warning is announced when it starts: a region
 * that appears together with its text is not reliably read. It says the warning once, not every second.
 */
export function IdleAnnouncement() {
  const { view } = useKiosk();
  const { t } = useKioskT();
  return (
    <div className="visually-hidden" aria-live="assertive" data-testid="idle-announcement">
      {view.idleWarning ? `${t('idleWarning.heading')} ${t('idleWarning.message')}` : ''}
    </div>
  );
}
