/** The language switch on every page; the choice is remembered in this browser. */
import { useEffect } from 'react';
import { ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { consoleLanguages, rememberLanguage, type ConsoleLanguage } from '../i18n/index.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    document.documentElement.lang = i18n.language;
  }, [i18n.language]);
  return (
    <ToggleButtonGroup
      aria-label={t('app.language')}
      className="language-switch"
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[i18n.language]}
      onSelectionChange={(keys) => {
        const language = [...keys][0] as ConsoleLanguage | undefined;
        if (!language) return;
        rememberLanguage(window.localStorage, language);
        void i18n.changeLanguage(language);
      }}
    >
      {consoleLanguages.map((language) => (
        <ToggleButton key={language} id={language} className="toggle" lang={language}>
          {t(`languages.${language}`)}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
