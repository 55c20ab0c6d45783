/**
 * The PIN pad. Keys are drawn by the main process in a shuffled order; this screen reports only
 * the position touched, and shows only how many digits were entered, never which.
 */
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { errorText } from '../i18n/index.js';
import { ScreenFrame } from '../components/ScreenFrame.js';

const PIN_DIGITS = 4;
/** JPKI's user-authentication PIN locks after 3 wrong tries; warn before the last ones. */
const WARN_AT_TRIES_LEFT = 2;

export function PinScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const entered = view.pinLength ?? 0;
  const keypad = view.keypad ?? [];
  const complete = entered >= PIN_DIGITS;
  const keyButton = (position: number) => {
    const label = keypad[position];
    if (label === undefined) return <span key={`empty-${position}`} />;
    return (
      <button key={position} type="button" className="key" disabled={complete} onClick={() => void send({ type: 'pinKey', position })}>
        {label}
      </button>
    );
  };
  return (
    <ScreenFrame screen="pin" heading={t('pin.heading')} showCancel ownsError>
      <div className="pin-entry">
        <div className="pin-side">
          <p className="lead">{t('pin.lead')}</p>
          {view.error ? (
            <p className="alert" role="alert" data-error-code={view.error.code}>
              {errorText(view.language, view.error.code, view.error.message)}
            </p>
          ) : null}
          {view.pinTriesLeft !== undefined && view.pinTriesLeft <= WARN_AT_TRIES_LEFT ? (
            <p className="warning" role="alert" data-testid="pin-tries-left">
              {t('pin.triesLeft', { count: view.pinTriesLeft })}
            </p>
          ) : null}
          <div className="pin-dots" role="status" aria-live="polite" aria-label={t('pin.entered', { count: entered })}>
            {Array.from({ length: PIN_DIGITS }, (_, index) => (
              <span key={index} className={index < entered ? 'dot filled' : 'dot'} aria-hidden="true" />
            ))}
          </div>
        </div>
        <div className="keypad" role="group" aria-label={t('pin.keypad')}>
          {[0, 1, 2, 3, 4, 5, 6, 7, 8].map(keyButton)}
          <button type="button" className="key key-delete" disabled={entered === 0} onClick={() => void send({ type: 'pinBackspace' })}>
            {t('pin.delete')}
          </button>
          {keyButton(9)}
          <button type="button" className="key key-submit" disabled={!complete} onClick={() => void send({ type: 'pinSubmit' })}>
            {t('pin.submit')}
          </button>
        </div>
      </div>
    </ScreenFrame>
  );
}
