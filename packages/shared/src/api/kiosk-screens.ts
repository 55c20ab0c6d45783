/**
 * The kiosk session's screens and the intents each accepts. The kiosk main process ignores an
 * intent its current screen does not accept (a page cannot skip a step); the renderer's
 * development fake follows the same table. The effect of each intent stays code in the session
 * (apps/kiosk/src/main/session/kiosk-session.ts); this table says only where it may go.
 *
 *   idle ─start─▶ placeCard ─card─▶ readingCard ─read─▶ pin ─pinSubmit─▶ authenticating ─▶ menu
 *                                                        ▲                       │
 *                                                        └────── wrong PIN ──────┘
 *   readingCard ─read an iPhone─▶ authenticating (phoneConfirmation: confirm on the phone, no PIN) ─▶ menu
 *
 *   menu ─chooseCertificate─▶ options ─confirm─▶ quoting ─▶ payment ─cash─▶ issuing ─▶ printing ─▶ done
 *    ▲ ▲        │              │  ▲                 │         │            └── money committed ──┘
 *    │ │        ▼              │  └─ back ──────────┼─────────┘ (cancels the quote)
 *    │ └─back─ refused ◀───────┼────────────────────┘ (refusals come before payment)
 *    └──back───────────────────┘
 *
 *   menu ─applyDomicileRegistration─▶ domicileConfirm ─confirm─▶ domicileApplying ─▶ domicileApplied
 *    ▲                                  │   ▲ ◀── refusal ────────────┘                 │
 *    └───────────────── back ───────────┴───────────────────────────────────────────────┘
 *
 *   awaitingResident ─the card that paid─▶ readingCard ─▶ pin ─▶ authenticating ─▶ issuing ─▶ printing ─▶ done
 *   (a restarted kiosk holding a paid, unprinted transaction for a few minutes; another card, a
 *   failure or the window passing refunds it and shows error; cancel refunds it and goes to idle)
 *
 * `cancel` from every screen but the money-committed ones, and `finish` from an end screen (done,
 * error, refused, domicileApplied), lead to idle; refused also takes `chooseCertificate`. What
 * the main process itself decides — a card step that fails or a card taken away (refused), a
 * failure after payment (error, refund shown) — is not an intent and not in this table.
 */
import type { KioskIntent, KioskScreen } from './kiosk-bridge.js';

/**
 * Intents every screen takes: the language, the display modes, the idle warning's "continue", and
 * the demo panel (refused by the session outside demo mode). They move no step along by themselves.
 */
export const EVERY_SCREEN_INTENTS = [
  'setLanguage',
  'setDisplay',
  'continueSession',
  'demoPlaceCard',
  'demoRemoveCard',
  'demoInsertCash',
] as const;

export type StepIntentType = Exclude<KioskIntent['type'], (typeof EVERY_SCREEN_INTENTS)[number]>;

/**
 * For each screen, the step intents it accepts and the screens the first view after the intent may
 * show: one where the edge is static, several where the outcome decides (a card already present, a
 * refusal), the same screen where the intent only edits it.
 */
export const screenIntents: Readonly<Record<KioskScreen, Readonly<Partial<Record<StepIntentType, readonly KioskScreen[]>>>>> = {
  idle: { start: ['placeCard', 'readingCard'], cancel: ['idle'] },
  placeCard: { cancel: ['idle'] },
  readingCard: { cancel: ['idle'] },
  pin: { pinKey: ['pin'], pinBackspace: ['pin'], pinSubmit: ['authenticating'], cancel: ['idle'] },
  authenticating: { cancel: ['idle'] },
  menu: { chooseCertificate: ['options', 'refused'], applyDomicileRegistration: ['domicileConfirm'], cancel: ['idle'] },
  options: { setOptions: ['options'], confirm: ['quoting'], back: ['menu'], cancel: ['idle'] },
  quoting: { cancel: ['idle'] },
  payment: { back: ['options'], cancel: ['idle'] },
  issuing: {},
  printing: {},
  done: { finish: ['idle'], cancel: ['idle'] },
  domicileConfirm: { confirm: ['domicileApplying'], back: ['menu'], cancel: ['idle'] },
  domicileApplying: { cancel: ['idle'] },
  domicileApplied: { back: ['menu'], finish: ['idle'], cancel: ['idle'] },
  refused: { chooseCertificate: ['options', 'refused'], back: ['menu'], finish: ['idle'], cancel: ['idle'] },
  error: { finish: ['idle'], cancel: ['idle'] },
  awaitingResident: { cancel: ['idle'] },
};

export function acceptsIntent(screen: KioskScreen, type: KioskIntent['type']): boolean {
  return (EVERY_SCREEN_INTENTS as readonly string[]).includes(type) || screenIntents[screen][type as StepIntentType] !== undefined;
}

/** The screens a step intent may lead to from `screen`; undefined when the screen does not accept it. */
export function nextScreens(screen: KioskScreen, type: StepIntentType): readonly KioskScreen[] | undefined {
  return screenIntents[screen][type];
}

/**
 * The center has been asked to take the money: from here the session ends printed or refunded,
 * never abandoned — no cancel, no back, and neither a card taken away nor the idle timer ends it.
 */
export function moneyCommitted(screen: KioskScreen): boolean {
  return screen === 'issuing' || screen === 'printing';
}
