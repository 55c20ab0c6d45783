/** Placing and reading the card, and the identity check that follows the PIN. */
import { useKioskT } from '../kiosk-context.js';
import { ScreenFrame, Working } from '../components/ScreenFrame.js';
import { ReaderStatus } from '../components/ReaderStatus.js';

export function PlaceCardScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="placeCard" heading={t('placeCard.heading')} lead={t('placeCard.lead')} showCancel>
      <ReaderStatus />
      <div className="card-illustration" aria-hidden="true">
        <div className="reader">
          <div className="card">
            <span>My Number</span>
          </div>
        </div>
      </div>
    </ScreenFrame>
  );
}

export function ReadingCardScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="readingCard" heading={t('readingCard.heading')} lead={t('readingCard.lead')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}

export function AuthenticatingScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="authenticating" heading={t('authenticating.heading')} lead={t('readingCard.lead')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}
