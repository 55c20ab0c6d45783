/**
 * The frame every screen shares: its root carries `data-screen` (the stable test hook), one
 * heading that says the single decision asked for, and the Back / Cancel buttons in the same
 * place on every screen, so a resident never has to look for the way out.
 */
import { useId, type ReactNode } from 'react';
import type { KioskScreen } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { errorText } from '../i18n/index.js';
import { DisplayModeControls } from './DisplayModeControls.js';

export interface ScreenFrameProps {
  screen: KioskScreen;
  heading: string;
  lead?: ReactNode;
  children?: ReactNode;
  /** Called instead of sending `back` (the options screen steps back inside itself first). */
  onBack?: () => void;
  showBack?: boolean;
  showCancel?: boolean;
  /** The screen shows `view.error` itself (refused, error, pin). */
  ownsError?: boolean;
  /** The forward action, placed at the right of the footer. */
  primary?: ReactNode;
}

export function ScreenFrame({ screen, heading, lead, children, onBack, showBack, showCancel, ownsError, primary }: ScreenFrameProps) {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const headingId = useId();
  return (
    // Inert behind the idle warning: its "continue" is the one thing to touch then.
    <main className="screen" data-screen={screen} aria-labelledby={headingId} inert={view.idleWarning !== undefined}>
      <header className="screen-header">
        <span className="service-name">{t('app.title')}</span>
        {view.municipalityName ? (
          <span className="municipality" lang="ja">
            {view.municipalityName}
          </span>
        ) : null}
        <DisplayModeControls />
      </header>
      {/* Focusable, so a keyboard or switch user can scroll it too when larger text makes it scroll. */}
      <div className="screen-body" tabIndex={0}>
        <h1 id={headingId}>{heading}</h1>
        {lead ? <p className="lead">{lead}</p> : null}
        {!ownsError && view.error ? (
          <p className="alert" role="alert" data-error-code={view.error.code}>
            {errorText(view.language, view.error.code, view.error.message)}
          </p>
        ) : null}
        {children}
      </div>
      {showBack || showCancel || primary ? (
        <footer className="screen-footer">
          {showBack ? (
            <button type="button" className="nav-button back" onClick={onBack ?? (() => void send({ type: 'back' }))}>
              <Bilingual ja="戻る" text={t('common.back')} fallbackSecond="Back" />
            </button>
          ) : null}
          {showCancel ? (
            <button type="button" className="nav-button cancel" onClick={() => void send({ type: 'cancel' })}>
              <Bilingual ja="中止" text={t('common.cancel')} fallbackSecond="Cancel" />
            </button>
          ) : null}
          <span className="footer-spacer" />
          {primary}
        </footer>
      ) : null}
    </main>
  );
}

/**
 * A label in the resident's language with the Japanese word beside it (store staff and clerks
 * use the Japanese words); in Japanese, the second line is English for visitors.
 */
export function Bilingual({ ja, text, fallbackSecond }: { ja: string; text: string; fallbackSecond?: string }) {
  const { view } = useKiosk();
  const second = view.language === 'ja' ? fallbackSecond : ja;
  return (
    <span className="bilingual">
      <span className="primary">{view.language === 'ja' ? ja : text}</span>
      {second && second !== text ? (
        <span className="secondary" lang={view.language === 'ja' ? 'en' : 'ja'}>
          {second}
        </span>
      ) : null}
    </span>
  );
}

/** A calm "working" indicator: no countdown, nothing that surprises. */
export function Working({ label }: { label: string }) {
  return (
    <div className="working" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
