/**
 * Which certificate. Refusals are decided before payment, so an unavailable certificate is shown
 * greyed with its reason instead of failing later; a 戸籍 item refused for want of 本籍地
 * registration is followed by the offer to apply.
 */
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { errorText } from '../i18n/index.js';
import { ScreenFrame } from '../components/ScreenFrame.js';
import { CertificateName } from '../components/CertificateName.js';
import { useYen } from '../components/Yen.js';
import { DomicileRegistrationOffer } from './DomicileScreens.js';

export function MenuScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  // Available certificates first, so the choices a resident can make come before the reasons they cannot.
  const menu = [...(view.menu ?? [])].sort((a, b) => Number(b.available) - Number(a.available));
  return (
    <ScreenFrame screen="menu" heading={t('menu.heading')} showCancel>
      <ul className="menu-list">
        {menu.map((item) => {
          const reasonId = `refusal-${item.certificateType}`;
          return (
            <li key={item.certificateType}>
              <button
                type="button"
                className="menu-item"
                data-certificate-type={item.certificateType}
                disabled={!item.available}
                aria-describedby={item.available ? undefined : reasonId}
                onClick={() => void send({ type: 'chooseCertificate', certificateType: item.certificateType })}
              >
                <CertificateName type={item.certificateType} />
                {item.available && item.feeYen !== undefined ? (
                  <span className="fee">{t('menu.fee', { fee: yen(item.feeYen) })}</span>
                ) : null}
                {item.available ? null : (
                  <span className="refusal" id={reasonId}>
                    <span className="refusal-title">{t('menu.unavailable')}</span>
                    {item.refusal ? <span className="refusal-reason">{errorText(view.language, item.refusal, undefined)}</span> : null}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      <DomicileRegistrationOffer />
    </ScreenFrame>
  );
}
