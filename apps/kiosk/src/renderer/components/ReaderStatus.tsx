/** Says so when the card reader is not ready, instead of letting a resident wait at a dead reader. */
import { useKiosk, useKioskT } from '../kiosk-context.js';

export function ReaderStatus() {
  const { view } = useKiosk();
  const { t } = useKioskT();
  if (view.readerStatus === 'ready') return null;
  return (
    <p className={view.readerStatus === 'noReader' ? 'alert' : 'notice'} role="status" data-reader-status={view.readerStatus}>
      {view.readerStatus === 'noReader' ? t('placeCard.readerNotReady') : t('placeCard.readerReconnecting')}
    </p>
  );
}
