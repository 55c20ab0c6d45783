/** Shows the screen the view names. Nothing here decides a step: that is the main process's job. */
import { useEffect, useMemo, useSyncExternalStore, type ReactElement } from 'react';
import type { KioskBridge, KioskIntent, KioskScreen, KioskView } from '@madoguchi/shared';
import { KioskContext, type KioskContextValue } from './kiosk-context.js';
import type { ViewStore } from './view-store.js';
import { catalogs } from './i18n/index.js';
import { DemoPanel } from './components/DemoPanel.js';
import { IdleAnnouncement, IdleWarning } from './components/IdleWarning.js';
import { IdleScreen } from './screens/IdleScreen.js';
import { AuthenticatingScreen, PlaceCardScreen, ReadingCardScreen } from './screens/CardScreens.js';
import { PinScreen } from './screens/PinScreen.js';
import { MenuScreen } from './screens/MenuScreen.js';
import { OptionsScreen } from './screens/OptionsScreen.js';
import { PaymentScreen, QuotingScreen } from './screens/PaymentScreens.js';
import { DoneScreen, ErrorScreen, IssuingScreen, PrintingScreen, RefusedScreen } from './screens/OutcomeScreens.js';
import { DomicileAppliedScreen, DomicileApplyingScreen, DomicileConfirmScreen } from './screens/DomicileScreens.js';
import { AwaitingResidentScreen } from './screens/AwaitingResidentScreen.js';

export const screens: Record<KioskScreen, () => ReactElement> = {
  idle: IdleScreen,
  placeCard: PlaceCardScreen,
  readingCard: ReadingCardScreen,
  pin: PinScreen,
  authenticating: AuthenticatingScreen,
  menu: MenuScreen,
  options: OptionsScreen,
  quoting: QuotingScreen,
  payment: PaymentScreen,
  issuing: IssuingScreen,
  printing: PrintingScreen,
  done: DoneScreen,
  domicileConfirm: DomicileConfirmScreen,
  domicileApplying: DomicileApplyingScreen,
  domicileApplied: DomicileAppliedScreen,
  refused: RefusedScreen,
  error: ErrorScreen,
  awaitingResident: AwaitingResidentScreen,
};

/** One view, rendered: also what the server-side render test uses. */
export function KioskScreenView({ view, send }: { view: KioskView; send: (intent: KioskIntent) => Promise<boolean> }) {
  const value = useMemo<KioskContextValue>(() => ({ view, send }), [view, send]);
  const Screen = screens[view.screen];
  return (
    <KioskContext.Provider value={value}>
      <div className={kioskClasses(view)} lang={view.language}>
        <Screen />
        <DemoPanel />
        <IdleWarning />
        <IdleAnnouncement />
      </div>
    </KioskContext.Provider>
  );
}

/** The display modes are classes on the root, so one stylesheet serves every screen in every mode. */
function kioskClasses(view: KioskView): string {
  return [
    'kiosk',
    view.demoCards ? 'with-demo' : '',
    view.display?.largeText ? 'large-text' : '',
    view.display?.highContrast ? 'high-contrast' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function App({ store, bridge }: { store: ViewStore; bridge: KioskBridge }) {
  const view = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const send = useMemo(
    () => (intent: KioskIntent) =>
      bridge.send(intent).then(
        () => true,
        (error: unknown) => {
          // Log the intent type and error class only: an intent never carries personal data, but keep it that way.
          console.warn('kiosk intent refused:', intent.type, error instanceof Error ? error.name : 'error');
          return false;
        },
      ),
    [bridge],
  );
  useEffect(() => {
    if (view) document.documentElement.lang = view.language;
  }, [view]);
  if (!view) return <Connecting />;
  return <KioskScreenView view={view} send={send} />;
}

function Connecting() {
  return (
    <div className="kiosk">
      <div className="connecting" role="status" data-state="connecting">
        <p>{catalogs.ja.app.connecting}</p>
        <p lang="en">{catalogs.en.app.connecting}</p>
      </div>
    </div>
  );
}

export function NotConnected() {
  return (
    <div className="kiosk">
      <div className="connecting" role="alert" data-state="not-connected">
        <p>{catalogs.ja.app.notConnected}</p>
        <p lang="en">{catalogs.en.app.notConnected}</p>
      </div>
    </div>
  );
}
