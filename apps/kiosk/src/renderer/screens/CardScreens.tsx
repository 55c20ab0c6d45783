/** Placing and reading the card, and the identity check that follows the PIN (or, for an iPhone, the confirmation on the phone). */
import { useKiosk, useKioskT } from '../kiosk-context.js';
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
  const { view } = useKiosk();
  // An iPhone takes no PIN: the resident confirms on the phone while the kiosk waits for its signature.
  if (view.phoneConfirmation)
    return (
      <ScreenFrame screen="authenticating" heading={t('authenticating.phoneHeading')} lead={t('authenticating.phoneLead')} showCancel>
        <Working label={t('common.pleaseWait')} />
      </ScreenFrame>
    );
  return (
    <ScreenFrame screen="authenticating" heading={t('authenticating.heading')} lead={t('readingCard.lead')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}
