/**
 * Which certificate. Refusals are decided before payment, so an unavailable certificate is shown
 * greyed with its reason instead of failing later. Available certificates come first; refused
 * ones are grouped by their reason, said once, so that the whole menu — and the offer to apply for
 * 本籍地 registration, right under the 戸籍 items refused for want of it — fits on one screen
 * instead of scrolling below the fold where an elderly resident would not look.
 */
import type { MenuItem } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { errorText } from '../i18n/index.js';
import { ScreenFrame } from '../components/ScreenFrame.js';
import { CertificateName } from '../components/CertificateName.js';
import { useYen } from '../components/Yen.js';
import { DomicileRegistrationOffer } from './DomicileScreens.js';

/** Refused items by reason, in menu order. */
function refusalGroups(menu: readonly MenuItem[]): { refusal: string; items: MenuItem[] }[] {
  const groups = new Map<string, MenuItem[]>();
  for (const item of menu) {
    if (item.available) continue;
    const key = item.refusal ?? '';
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups].map(([refusal, items]) => ({ refusal, items }));
}

export function MenuScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  const menu = view.menu ?? [];
  const groups = refusalGroups(menu);
  const offerInGroup = groups.some((g) => g.refusal === 'ELIGIBILITY_DOMICILE_NOT_REGISTERED');
  return (
    <ScreenFrame screen="menu" heading={t('menu.heading')} showCancel>
      <ul className="menu-list">
        {menu
          .filter((item) => item.available)
          .map((item) => (
            <li key={item.certificateType}>
              <button
                type="button"
                className="menu-item"
                data-certificate-type={item.certificateType}
                onClick={() => void send({ type: 'chooseCertificate', certificateType: item.certificateType })}
              >
                <CertificateName type={item.certificateType} />
                {item.feeYen !== undefined ? <span className="fee">{t('menu.fee', { fee: yen(item.feeYen) })}</span> : null}
              </button>
            </li>
          ))}
      </ul>
      {groups.map(({ refusal, items }) => {
        const reasonId = `refusal-${refusal || 'unknown'}`;
        return (
          <section key={refusal} className="refusal-group" data-refusal={refusal || undefined}>
            <ul className="refused-list">
              {items.map((item) => (
                <li key={item.certificateType}>
                  <button
                    type="button"
                    className="menu-item refused"
                    data-certificate-type={item.certificateType}
                    disabled
                    aria-describedby={reasonId}
                  >
                    <CertificateName type={item.certificateType} />
                  </button>
                </li>
              ))}
            </ul>
            <p className="refusal" id={reasonId}>
              <span className="refusal-title">{t('menu.unavailable')}</span>
              {refusal ? <span className="refusal-reason">{errorText(view.language, refusal, undefined)}</span> : null}
            </p>
            {refusal === 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' ? <DomicileRegistrationOffer withNote={false} /> : null}
          </section>
        );
      })}
      {offerInGroup ? null : <DomicileRegistrationOffer />}
    </ScreenFrame>
  );
}
