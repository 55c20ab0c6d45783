/**
 * Dev only (`?fake=1` in a development build): a stand-in main process so every screen can be
 * seen and clicked through without Electron, a card or a center. `?screen=<KioskScreen>` jumps to
 * a screen, `?lang=` picks the language, `?error=CODE` sets the error, `?demo=0` hides the demo
 * panel, `?largeText=1` / `?highContrast=1` turn the display modes on, `?idleWarning=<seconds>`
 * shows the idle warning (it does not count down: the real countdown is the main process's). It
 * is a rough walk through the flow, not the real state machine (that is in main/); which
 * screen takes which intent, and where `back` leads, come from the same table (kiosk-screens.ts).
 */
import {
  BRIDGE_VERSION,
  KioskLanguage,
  KioskScreen,
  errorCatalog,
  acceptsIntent,
  isErrorCode,
  nextScreens,
  yen,
  type KioskBridge,
  type KioskIntent,
  type KioskView,
} from '@madoguchi/shared';

const keypadOrder = ['7', '3', '0', '9', '1', '5', '8', '2', '6', '4'];

const menu: NonNullable<KioskView['menu']> = [
  { certificateType: 'residenceRecord', available: true, feeYen: yen(200), maxCopies: 10, allowMyNumber: true, allowDomicile: true },
  { certificateType: 'residenceItemsCertificate', available: true, feeYen: yen(200), maxCopies: 10, allowDomicile: true },
  { certificateType: 'sealCertificate', available: false, refusal: 'ELIGIBILITY_NO_SEAL_REGISTRATION' },
  { certificateType: 'familyRegisterFull', available: false, refusal: 'ELIGIBILITY_OUTSIDE_HOURS' },
  { certificateType: 'familyRegisterIndividual', available: false, refusal: 'ELIGIBILITY_OUTSIDE_HOURS' },
  { certificateType: 'familyRegisterAddressHistory', available: false, refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' },
  { certificateType: 'taxCertificate', available: true, feeYen: yen(300), maxCopies: 5, taxYears: [2025, 2026] },
];

type SetView = (patch: Partial<KioskView>) => void;
/** Sets the view after a pause, as a step of the real main process would. */
type Later = (ms: number, patch: () => Partial<KioskView>) => void;

function errorFor(code: string, language: KioskLanguage) {
  if (!isErrorCode(code)) return { code, message: code };
  return { code, message: errorCatalog[code][language === 'en' ? 'en' : 'ja'] };
}

const signedIn: Partial<KioskView> = {
  municipalityName: '東京都中央区',
  menu,
  householdMembers: [
    { residentId: 'r1', displayName: '山田 太郎', relationship: '世帯主' },
    { residentId: 'r2', displayName: '山田 花子', relationship: '妻' },
    { residentId: 'r3', displayName: '山田 一郎', relationship: '子' },
  ],
  domicileRegistration: { status: 'notApplied', canApply: true, domicileMunicipalityName: '千代田区' },
};

export function createFakeBridge(params: URLSearchParams): KioskBridge {
  let view = initialView(params);
  const listeners = new Set<(view: KioskView) => void>();
  const set: SetView = (patch) => {
    view = { ...view, ...patch, revision: view.revision + 1 };
    const snapshot = view;
    setTimeout(() => listeners.forEach((listener) => listener(snapshot)), 0);
  };
  const later: Later = (ms, patch) => void setTimeout(() => set(patch()), ms);
  const handle = fakeSteps(() => view, set, later);
  return {
    version: BRIDGE_VERSION,
    getView: () => Promise.resolve(view),
    onView(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(intent) {
      handle(intent);
      return Promise.resolve();
    },
  };
}

function displayFrom(params: URLSearchParams): Partial<KioskView> {
  const largeText = params.get('largeText') === '1';
  const highContrast = params.get('highContrast') === '1';
  const seconds = Number(params.get('idleWarning'));
  return {
    ...(largeText || highContrast ? { display: { largeText, highContrast } } : {}),
    ...(Number.isInteger(seconds) && seconds > 0 ? { idleWarning: { secondsLeft: seconds } } : {}),
  };
}

function initialView(params: URLSearchParams): KioskView {
  const language = KioskLanguage.catch('ja').parse(params.get('lang') ?? 'ja');
  const view: KioskView = {
    bridgeVersion: BRIDGE_VERSION,
    revision: 1,
    screen: 'idle',
    language,
    readerStatus: 'ready',
    cardPresent: false,
    ...displayFrom(params),
    ...(params.get('demo') === '0'
      ? {}
      : {
          demoCards: [
            { cardId: 'demo-0001', label: '山田 太郎（政令市・世帯主）' },
            { cardId: 'demo-0002', label: 'Nguyen Van An（外国人住民）' },
            { cardId: 'demo-0003', label: '佐藤 花子（支援措置）' },
          ],
        }),
  };
  const jump = KioskScreen.safeParse(params.get('screen'));
  if (!jump.success) return view;
  const screen = jump.data;
  const errorCode = params.get('error');
  const jumped: KioskView = {
    ...view,
    ...signedIn,
    screen,
    cardPresent: screen !== 'idle' && screen !== 'placeCard',
    keypad: keypadOrder,
    pinLength: screen === 'pin' ? 2 : undefined,
    pinTriesLeft: screen === 'pin' ? 2 : undefined,
    selected: { certificateType: params.get('type') === 'tax' ? 'taxCertificate' : 'residenceRecord', options: {}, copies: 2 },
    quote: { feeYen: 200, totalYen: 400, copies: 2 },
    paidYen: screen === 'payment' ? 100 : undefined,
    printedDocuments: 2,
    refundYen: screen === 'error' ? 400 : undefined,
    error:
      errorCode !== null
        ? errorFor(errorCode, language)
        : screen === 'refused'
          ? errorFor('ELIGIBILITY_PENDING_MOVE_OUT', language)
          : screen === 'error'
            ? errorFor('ISSUANCE_PRINT_FAILED', language)
            : undefined,
  };
  if (screen === 'idle' || screen === 'placeCard' || screen === 'readingCard' || screen === 'pin') {
    return { ...jumped, municipalityName: undefined, menu: undefined, householdMembers: undefined, domicileRegistration: undefined };
  }
  return jumped;
}

/** The fake's steps. Which screen takes which intent, and where `back` leads, come from the shared table as in the main process. */
function fakeSteps(current: () => KioskView, set: SetView, later: Later) {
  return (intent: KioskIntent): void => {
    const view = current();
    if (!acceptsIntent(view.screen, intent.type)) return;
    switch (intent.type) {
      case 'start':
        return set({ screen: 'placeCard' });
      case 'setLanguage':
        return set({ language: intent.language });
      case 'setDisplay':
        return set({ display: { ...(view.display ?? { largeText: false, highContrast: false }), [intent.mode]: intent.on } });
      case 'continueSession':
        return set({ idleWarning: undefined });
      case 'demoPlaceCard':
        set({ cardPresent: true, screen: view.screen === 'placeCard' || view.screen === 'idle' ? 'readingCard' : view.screen });
        return later(600, () => ({ screen: 'pin', keypad: keypadOrder, pinLength: 0, pinTriesLeft: 3 }));
      case 'demoRemoveCard':
        return set({ cardPresent: false, ...(view.screen === 'done' ? {} : { screen: 'idle', error: undefined }) });
      case 'pinKey':
        return set({ pinLength: Math.min(4, (view.pinLength ?? 0) + 1), error: undefined });
      case 'pinBackspace':
        return set({ pinLength: Math.max(0, (view.pinLength ?? 0) - 1) });
      case 'pinSubmit':
        set({ screen: 'authenticating', keypad: undefined, pinLength: undefined });
        return later(800, () => ({ screen: 'menu', ...signedIn }));
      case 'chooseCertificate': {
        const item = menu.find((entry) => entry.certificateType === intent.certificateType);
        if (!item?.available)
          return set({ screen: 'refused', error: errorFor(item?.refusal ?? 'ELIGIBILITY_TYPE_NOT_OFFERED', view.language) });
        return set({ screen: 'options', selected: { certificateType: intent.certificateType, options: {}, copies: 1 }, error: undefined });
      }
      case 'setOptions':
        return set({ selected: view.selected ? { ...view.selected, options: intent.options, copies: intent.copies } : undefined });
      case 'applyDomicileRegistration':
        return set({ screen: 'domicileConfirm', error: undefined });
      case 'confirm':
        return view.screen === 'domicileConfirm' ? fakeApply(set, later) : fakeQuote(view, set, later);
      case 'demoInsertCash':
        return fakeCash(view, intent.yen, set, later);
      case 'back': {
        const to = nextScreens(view.screen, 'back')?.[0] ?? view.screen;
        if (to === 'options') return set({ screen: to, quote: undefined, paidYen: undefined });
        return set({ screen: to, error: undefined, selected: undefined });
      }
      case 'cancel':
      case 'finish':
        return set(endedView);
    }
  };
}

const endedView: Partial<KioskView> = {
  screen: 'idle',
  language: 'ja',
  display: undefined,
  idleWarning: undefined,
  municipalityName: undefined,
  menu: undefined,
  domicileRegistration: undefined,
  selected: undefined,
  quote: undefined,
  paidYen: undefined,
  error: undefined,
};

function fakeApply(set: SetView, later: Later): void {
  set({ screen: 'domicileApplying' });
  later(700, () => ({
    screen: 'domicileApplied',
    domicileRegistration: { status: 'pending', canApply: false, domicileMunicipalityName: '千代田区' },
  }));
}

function fakeQuote(view: KioskView, set: SetView, later: Later): void {
  const fee = menu.find((item) => item.certificateType === view.selected?.certificateType)?.feeYen ?? 0;
  const copies = view.selected?.copies ?? 1;
  set({ screen: 'quoting' });
  later(700, () => ({ screen: 'payment', quote: { feeYen: fee, totalYen: fee * copies, copies }, paidYen: 0 }));
}

function fakeCash(view: KioskView, yen: number, set: SetView, later: Later): void {
  const paidYen = (view.paidYen ?? 0) + yen;
  set({ paidYen });
  const total = view.quote?.totalYen ?? 0;
  if (paidYen < total) return;
  later(400, () => ({ screen: 'issuing', refundYen: paidYen > total ? paidYen - total : undefined }));
  later(1300, () => ({ screen: 'printing' }));
  later(2200, () => ({ screen: 'done', printedDocuments: view.quote?.copies ?? 1 }));
}
