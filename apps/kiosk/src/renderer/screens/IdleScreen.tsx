/** 行政サービス: the resident chooses a language and starts. */
import { KioskLanguage } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { languageNames } from '../i18n/index.js';
import { ScreenFrame } from '../components/ScreenFrame.js';
import { ReaderStatus } from '../components/ReaderStatus.js';

export function IdleScreen() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  return (
    <ScreenFrame
      screen="idle"
      heading={t('idle.heading')}
      lead={t('idle.lead')}
      primary={
        <button type="button" className="primary-button" onClick={() => void send({ type: 'start' })}>
          {t('idle.start')}
        </button>
      }
    >
      <ReaderStatus />
      <section className="language-choice" aria-labelledby="language-heading">
        <h2 id="language-heading">{t('idle.chooseLanguage')}</h2>
        <div className="choice-grid three">
          {KioskLanguage.options.map((language) => (
            <button
              key={language}
              type="button"
              lang={language}
              className="choice-button"
              aria-pressed={view.language === language}
              onClick={() => void send({ type: 'setLanguage', language })}
            >
              {languageNames[language]}
            </button>
          ))}
        </div>
      </section>
    </ScreenFrame>
  );
}
