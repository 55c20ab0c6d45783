/**
 * 本籍地利用登録申請: the offer on the menu (where a 戸籍 item is refused for want of it), the
 * confirmation that says approval takes some days, and the receipt. Whether the resident may apply
 * is the center's answer in the view; the main process ignores the intents otherwise.
 */
import { isFamilyRegisterType } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { errorText } from '../i18n/index.js';
import { Bilingual, ScreenFrame, Working } from '../components/ScreenFrame.js';

/** On the menu, under the certificates: only when a 戸籍 item is refused because the registration is missing. */
/**
 * `withNote: false` where the reason is already said right above (the menu's group of 戸籍 items
 * refused for want of registration), so the button stays on the screen.
 */
export function DomicileRegistrationOffer({ withNote = true }: { withNote?: boolean } = {}) {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const offer = view.domicileRegistration;
  const missing = (view.menu ?? []).some(
    (m) => isFamilyRegisterType(m.certificateType) && !m.available && m.refusal === 'ELIGIBILITY_DOMICILE_NOT_REGISTERED',
  );
  if (!offer || !missing) return null;
  let body;
  if (offer.canApply) {
    body = (
      <>
        {withNote ? <p className="domicile-note">{t('domicile.menuNote')}</p> : null}
        <button
          type="button"
          className="primary-button domicile-apply"
          data-testid="apply-domicile-registration"
          onClick={() => void send({ type: 'applyDomicileRegistration' })}
        >
          <Bilingual ja="本籍地の利用登録を申請する" text={t('domicile.apply')} />
        </button>
      </>
    );
  } else if (offer.status === 'pending') {
    body = <p className="domicile-note">{t('domicile.pending')}</p>;
  } else if (offer.refusal) {
    body = <p className="domicile-note">{errorText(view.language, offer.refusal, undefined)}</p>;
  } else {
    return null;
  }
  return (
    <section className="domicile-offer" data-testid="domicile-registration" data-status={offer.status}>
      {body}
    </section>
  );
}

export function DomicileConfirmScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const offer = view.domicileRegistration;
  return (
    <ScreenFrame
      screen="domicileConfirm"
      heading={t('domicile.confirmHeading')}
      lead={t('domicile.confirmLead')}
      showBack
      primary={
        offer?.canApply ? (
          <button
            type="button"
            className="primary-button"
            data-testid="confirm-domicile-registration"
            onClick={() => void send({ type: 'confirm' })}
          >
            {t('domicile.confirm')}
          </button>
        ) : null
      }
    >
      {offer?.domicileMunicipalityName ? (
        <p className="domicile-municipality">
          {t('domicile.municipality')}: <span lang="ja">{offer.domicileMunicipalityName}</span>
        </p>
      ) : null}
      <ul className="domicile-facts">
        <li data-testid="domicile-approval-days">{t('domicile.approvalTakesDays')}</li>
        <li>{t('domicile.afterApproval')}</li>
        <li>{t('domicile.noCharge')}</li>
      </ul>
    </ScreenFrame>
  );
}

export function DomicileApplyingScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="domicileApplying" heading={t('domicile.applyingHeading')}>
      <Working label={t('common.pleaseWait')} />
    </ScreenFrame>
  );
}

export function DomicileAppliedScreen() {
  const { send } = useKiosk();
  const { t } = useKioskT();
  return (
    <ScreenFrame
      screen="domicileApplied"
      heading={t('domicile.appliedHeading')}
      lead={t('domicile.appliedLead')}
      showBack
      primary={
        <button type="button" className="primary-button" onClick={() => void send({ type: 'finish' })}>
          {t('done.finish')}
        </button>
      }
    >
      <ul className="take-list">
        <li className="take pending" data-testid="take-card">
          <span className="take-mark" aria-hidden="true">
            !
          </span>
          {t('done.takeCard')}
        </li>
      </ul>
    </ScreenFrame>
  );
}
