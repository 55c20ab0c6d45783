/**
 * The kiosk's main ↔ renderer bridge, version 1. The session state machine lives in the main
 * process; the renderer only shows a `KioskView` and sends `KioskIntent`s, so a compromised page
 * cannot skip a step. The PIN never crosses this bridge: the main process draws a shuffled keypad
 * and the renderer reports which key position was touched, never a digit.
 */
import { z } from 'zod';
import { CertificateType } from '../domain/certificate-type.js';
import { CertificateOptions } from '../domain/policy.js';
import { DomicileRegistrationOffer, MenuItem, HouseholdMemberChoice } from './kiosk-center.js';

export const BRIDGE_VERSION = 1 as const;

export const KioskLanguage = z.enum(['ja', 'en', 'zh', 'ko', 'vi', 'pt']);
export type KioskLanguage = z.infer<typeof KioskLanguage>;

/** Display modes a resident may switch on from any screen, alone or together. */
export const DisplayMode = z.enum(['largeText', 'highContrast']);
export type DisplayMode = z.infer<typeof DisplayMode>;

export const KioskScreen = z.enum([
  'idle', // 行政サービス: touch to start, choose language
  'placeCard', // place the My Number card
  'readingCard',
  'pin', // 4-digit PIN with shuffled keypad
  'authenticating',
  'menu', // choose certificate
  'options', // options, copies
  'quoting',
  'payment', // insert cash
  'issuing', // center renders, kiosk checks bindings
  'printing',
  'done', // take your card and certificate
  'domicileConfirm', // 本籍地利用登録申請: what it is, that approval takes some days; apply or go back
  'domicileApplying',
  'domicileApplied', // application received; the 戸籍 certificates come after the 本籍地 approves
  'refused', // clear refusal with code and message, before payment
  'error', // failure after payment: refund shown
  'awaitingResident', // after a crash: a paid certificate waits for the card that paid for it (journal/crash-recovery.ts)
]);
export type KioskScreen = z.infer<typeof KioskScreen>;

export const ViewError = z.object({ code: z.string(), message: z.string() });

export const KioskView = z.object({
  bridgeVersion: z.literal(BRIDGE_VERSION),
  /** Increments on every change, so the renderer can drop stale views. */
  revision: z.number().int(),
  screen: KioskScreen,
  language: KioskLanguage,
  readerStatus: z.enum(['ready', 'noReader', 'reconnecting']),
  cardPresent: z.boolean(),
  /** Keypad labels by position (shuffled per PIN entry); digits entered so far (count only). */
  keypad: z.array(z.string()).length(10).optional(),
  pinLength: z.number().int().min(0).max(4).optional(),
  pinTriesLeft: z.number().int().optional(),
  /** On `authenticating` for an iPhone token: the resident confirms on the phone (Face ID or its passcode); no PIN pad. */
  phoneConfirmation: z.boolean().optional(),
  municipalityName: z.string().optional(),
  menu: z.array(MenuItem).optional(),
  householdMembers: z.array(HouseholdMemberChoice).optional(),
  /** Present when the resident's 本籍 is in another municipality: may they apply here, or where their application stands. */
  domicileRegistration: DomicileRegistrationOffer.optional(),
  selected: z.object({ certificateType: CertificateType, options: CertificateOptions, copies: z.number().int() }).optional(),
  quote: z.object({ feeYen: z.number().int(), totalYen: z.number().int(), copies: z.number().int() }).optional(),
  paidYen: z.number().int().optional(),
  refundYen: z.number().int().optional(),
  printedDocuments: z.number().int().optional(),
  error: ViewError.optional(),
  /**
   * The resident's display modes, both off when absent. Part of the session like the language: the
   * main process drops them when the session ends, so the next resident starts with the default.
   */
  display: z.object({ largeText: z.boolean(), highContrast: z.boolean() }).optional(),
  /** Present while the idle warning shows: whole seconds until the session is reset (kiosk-session.ts). */
  idleWarning: z.object({ secondsLeft: z.number().int().min(0) }).optional(),
  /** Demo mode only: virtual cards a developer can place. Never present on a production kiosk. */
  demoCards: z.array(z.object({ cardId: z.string(), label: z.string() })).optional(),
});
export type KioskView = z.infer<typeof KioskView>;

/** The Japanese coins and notes a cash acceptor takes. */
export const CASH_DENOMINATIONS = [10, 50, 100, 500, 1000, 5000, 10000] as const;

export const KioskIntent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('setLanguage'), language: KioskLanguage }),
  /** Turns one display mode on or off; the other keeps its state (two quick touches never undo each other). */
  z.object({ type: z.literal('setDisplay'), mode: DisplayMode, on: z.boolean() }),
  /** The idle warning's "continue": the resident is still there, the session goes on. */
  z.object({ type: z.literal('continueSession') }),
  z.object({ type: z.literal('pinKey'), position: z.number().int().min(0).max(9) }),
  z.object({ type: z.literal('pinBackspace') }),
  z.object({ type: z.literal('pinSubmit') }),
  z.object({ type: z.literal('chooseCertificate'), certificateType: CertificateType }),
  /** From the menu: open the 本籍地 registration confirmation (then `confirm` applies, `back` returns). */
  z.object({ type: z.literal('applyDomicileRegistration') }),
  z.object({ type: z.literal('setOptions'), options: CertificateOptions, copies: z.number().int().min(1).max(10) }),
  z.object({ type: z.literal('confirm') }),
  z.object({ type: z.literal('back') }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('finish') }),
  z.object({ type: z.literal('demoPlaceCard'), cardId: z.string() }),
  z.object({ type: z.literal('demoRemoveCard') }),
  /**
   * Demo mode only: the demo panel drops a coin or note into the simulated cash acceptor. There is
   * no "cash inserted" intent: money is counted by the main process's cash device, never by the
   * untrusted screen, so a page cannot pay (see apps/kiosk/src/main/payment/cash-device.ts).
   */
  z.object({
    type: z.literal('demoInsertCash'),
    yen: z
      .number()
      .int()
      .refine((n) => (CASH_DENOMINATIONS as readonly number[]).includes(n), 'a Japanese coin or note'),
  }),
]);
export type KioskIntent = z.infer<typeof KioskIntent>;

/**
 * `window.kiosk` as the renderer sees it. Electron's preload implements it over IPC; the browser
 * kiosk mode implements it over HTTP + server-sent events on 127.0.0.1 (same view, same intents).
 *
 * Browser-mode protocol (served by the kiosk main process, every call carries `X-Kiosk-Token`,
 * the token arrives in the page URL as `?token=`):
 *   GET  /bridge/view    → 200 KioskView
 *   GET  /bridge/events?token=…  → text/event-stream, `event: view`, `data: <KioskView JSON>`
 *   POST /bridge/intent  (KioskIntent JSON) → 204, or 400 { error: { code, message } }
 */
export interface KioskBridge {
  readonly version: typeof BRIDGE_VERSION;
  getView(): Promise<KioskView>;
  /** Returns its own unsubscribe function. */
  onView(listener: (view: KioskView) => void): () => void;
  send(intent: KioskIntent): Promise<void>;
}
