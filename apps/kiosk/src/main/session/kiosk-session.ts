/**
 * The kiosk's session state machine. It lives in the main process: the renderer only sees
 * `KioskView`s and sends `KioskIntent`s, so a compromised page cannot skip a step (pay without a
 * quote, print without the checks). One `Customer` object holds everything of one resident and is
 * dropped and wiped as a whole when the session ends (docs/misissuance.md#r6).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  defaultResidenceRecordOptions,
  BRIDGE_VERSION,
  KioskIntent,
  MadoguchiError,
  errorMessage,
  isErrorCode,
  MAX_JOURNEY_MS,
  type CertificateOptions,
  type CertificateType,
  type ErrorCode,
  type KioskLanguage,
  type KioskView,
  type MenuItem,
  type AuthenticateResponse,
  type QuoteResponse,
  type Yen,
  yen,
  acceptsIntent,
  moneyCommitted,
} from '@madoguchi/shared';
import type { CardAuthentication } from '../card/card-service.js';
import { PinBuffer } from '../card/pin-buffer.js';
import { cancelPaid, deliverOutbox, paidDetail, queuePrintResult, settleHeld, type HeldTransaction } from '../journal/crash-recovery.js';
import { payoutIdOf, type PrintReport, type TransactionJournal } from '../journal/transaction-journal.js';
import { CashBox } from '../payment/cash-box.js';
import {
  DEFAULT_PAYMENT_BUDGET_MS,
  DEFAULT_PAYMENT_RETRY_DELAYS_MS,
  payFromEscrow,
  type PaymentOutcome,
} from '../payment/escrow-payment.js';
import { checkDeliveredDocument, type DocumentCheck } from '../printer/document-check.js';
import { IdleTimer } from './idle-timer.js';
import { ShuffledKeypad } from './keypad.js';
import type { SessionDeps } from './ports.js';

interface Customer {
  tokenType?: 'card' | 'android' | 'iphone';
  authCertificateDer?: Uint8Array;
  pinTriesLeft?: number;
  keypad?: ShuffledKeypad;
  pin?: PinBuffer;
  auth?: AuthenticateResponse;
  selected?: { certificateType: CertificateType; options: CertificateOptions; copies: number };
  quote?: QuoteResponse;
  cash: CashBox;
  refundYen?: number;
  printedDocuments?: number;
  /** performance.now() when the card began to be read: the statistics' card-to-print time starts here. */
  cardPlacedAt?: number;
}

type Listener = (view: KioskView) => void;
type Delivery = Awaited<ReturnType<SessionDeps['center']['pay']>>;
type CheckedDocument = Extract<DocumentCheck, { ok: true }>;
/** A paid delivery's printing so far: copies on paper (in order), and whether a failure was reported to the center. */
interface PrintProgress {
  printed: number;
  failureReported: boolean;
}

export interface KioskSessionOptions {
  /** Pauses before retrying an unanswered payment with the same idempotency key (escrow-payment.ts). */
  paymentRetryDelaysMs?: readonly number[];
  /** Each new customer's cash accounts (recorded in tests); by default over `SessionDeps.cash`. */
  newCashBox?: () => CashBox;
  /** The crash-proof journal (journal/transaction-journal.ts): money and print steps are written to it before they happen. */
  journal?: TransactionJournal;
  /**
   * Tests only (the browser kiosk host's --test-screen-holds, demo mode): called with every view that
   * changes the screen, before the step goes on, so a passing screen can be held still long enough to check it.
   */
  holdScreen?: (view: KioskView) => Promise<void>;
}

export class KioskSession {
  private view: KioskView;
  private customer: Customer;
  private readonly listeners = new Set<Listener>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly idleTimer: IdleTimer;
  /** Serialises intents and card events: one step at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  /**
   * Ends the card call in progress at once. A card that never answers would otherwise hold the
   * queue, and with it the cancel, the removal and the idle timer's reset queued behind it.
   */
  private cardCalls = new AbortController();
  /** After a restart: a paid transaction waiting for the card that paid for it (resumeHeld), and the end of its window. */
  private held: { tx: HeldTransaction; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(
    private readonly deps: SessionDeps,
    private readonly options: KioskSessionOptions = {},
  ) {
    this.customer = this.newCustomer();
    this.idleTimer = new IdleTimer({
      timeoutMs: deps.idleTimeoutMs ?? 120_000,
      warningMs: deps.idleWarningMs ?? 30_000,
      mayReset: () => this.view.screen !== 'idle' && this.view.screen !== 'awaitingResident' && !moneyCommitted(this.view.screen),
      // Straight to the view, not through the queue: a step still waiting on the center must not hide the countdown.
      warn: (secondsLeft) => void this.update({ idleWarning: secondsLeft === undefined ? undefined : { secondsLeft } }),
      reset: () => this.idleReset(),
    });
    this.view = {
      bridgeVersion: BRIDGE_VERSION,
      revision: 0,
      screen: 'idle',
      language: 'ja',
      readerStatus: deps.card.readerStatus,
      cardPresent: deps.card.cardPresent,
      ...(deps.demo ? { demoCards: deps.demo.cards } : {}),
    };
    this.unsubscribe.push(
      deps.card.on('readerStatus', (status) => this.enqueue(async () => this.update({ readerStatus: status }))),
      deps.card.on('cardInserted', () => this.enqueue(() => this.onCardInserted())),
      deps.card.on('cardRemoved', () => {
        this.abandonCardCall();
        return this.enqueue(() => this.onCardRemoved());
      }),
    );
    if (deps.cash) this.unsubscribe.push(deps.cash.on('inserted', (yen) => void this.enqueue(() => this.onCashInserted(yen))));
  }

  getView(): KioskView {
    return this.view;
  }

  onView(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the intent (the renderer is untrusted) and runs it after any step in progress. */
  send(raw: unknown): Promise<void> {
    const parsed = KioskIntent.safeParse(raw);
    if (!parsed.success) return Promise.reject(new MadoguchiError('INPUT_INVALID', 'not a kiosk intent'));
    // Refused here, not in the queue, where a failed step would end the customer's session: a page
    // asking a real kiosk for demo cash changes nothing at all.
    if (parsed.data.type === 'demoInsertCash' && !this.deps.demoCash)
      return Promise.reject(new MadoguchiError('INPUT_INVALID', 'demo cash is off'));
    if ((parsed.data.type === 'demoPlaceCard' || parsed.data.type === 'demoRemoveCard') && !this.deps.demo)
      return Promise.reject(new MadoguchiError('INPUT_INVALID', 'demo cards are off'));
    // The way out wins over a card still working: its call ends now, and the cancel runs next.
    if (parsed.data.type === 'cancel') this.abandonCardCall();
    // The display, the language and "continue" change the view only, never the step: they take effect at
    // once, also while a step waits (an iPhone's holder may take a minute to confirm, and reads the screen meanwhile).
    if (VIEW_ONLY_INTENTS.has(parsed.data.type)) return this.handle(parsed.data);
    return this.enqueue(() => this.handle(parsed.data));
  }

  /** Resolves when every queued step has finished (tests and shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  close(): void {
    // Not settled here: the journal still holds it, and the next start holds or refunds it.
    if (this.held) clearTimeout(this.held.timer);
    this.held = undefined;
    for (const u of this.unsubscribe) u();
    this.idleTimer.stop();
    this.resetCustomer();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step).catch((error: unknown) => this.fail(error));
    this.queue = run;
    return run;
  }

  private async handle(intent: KioskIntent): Promise<void> {
    this.touch();
    const screen = this.view.screen;
    // An intent the screen does not take is ignored: a page cannot skip a step (kiosk-screens.ts).
    if (!acceptsIntent(screen, intent.type)) return;
    switch (intent.type) {
      case 'setLanguage':
        return this.update({ language: intent.language as KioskLanguage });
      case 'setDisplay': {
        const display = this.view.display ?? { largeText: false, highContrast: false };
        return this.update({ display: { ...display, [intent.mode]: intent.on } });
      }
      case 'continueSession':
        return; // the touch above has restarted the idle timer and taken the warning away
      case 'demoPlaceCard':
        return this.demoCards().place(intent.cardId);
      case 'demoRemoveCard':
        return this.demoCards().remove();
      case 'demoInsertCash':
        // Money comes from the cash device only; the demo panel may drop coins into the simulated one.
        return this.deps.demoCash?.insert(intent.yen);
      case 'start':
        return this.update({ screen: this.view.cardPresent ? 'readingCard' : 'placeCard' }).then(() =>
          this.view.cardPresent ? this.readCard() : undefined,
        );
      case 'pinKey':
        return this.pinKey(intent.position);
      case 'pinBackspace':
        return this.pinBackspace();
      case 'pinSubmit':
        return this.customer.pin?.complete ? this.authenticate() : undefined;
      case 'chooseCertificate':
        return this.choose(intent.certificateType);
      case 'applyDomicileRegistration':
        // Only what the center offered for this session: the page cannot apply on its own say-so.
        return this.customer.auth?.domicileRegistration?.canApply
          ? this.update({ screen: 'domicileConfirm', error: undefined })
          : undefined;
      case 'setOptions':
        return this.setOptions(intent.options, intent.copies);
      case 'confirm':
        if (screen === 'options') return this.requestQuote();
        return this.customer.auth?.domicileRegistration?.canApply ? this.applyDomicileRegistration() : undefined;
      case 'back':
        if (screen === 'payment')
          return this.cancelQuote('back').then(() => this.update({ screen: 'options', quote: undefined, paidYen: undefined }));
        return this.update({ screen: 'menu', error: undefined, selected: undefined });
      case 'cancel':
        if (screen === 'payment') await this.cancelQuote('cancel');
        return this.endSession();
      case 'finish':
        return this.endSession();
    }
  }

  private demoCards(): NonNullable<SessionDeps['demo']> {
    if (!this.deps.demo) throw new MadoguchiError('INPUT_INVALID', 'demo cards are off');
    return this.deps.demo;
  }

  private async pinKey(position: number): Promise<void> {
    if (!this.customer.keypad || !this.customer.pin) return;
    this.customer.pin.push(this.customer.keypad.digitAt(position));
    return this.update({ pinLength: this.customer.pin.length });
  }

  private async pinBackspace(): Promise<void> {
    if (!this.customer.pin) return;
    this.customer.pin.backspace();
    return this.update({ pinLength: this.customer.pin.length });
  }

  private async setOptions(options: CertificateOptions, copies: number): Promise<void> {
    if (!this.customer.selected) return;
    this.customer.selected = { ...this.customer.selected, options, copies };
    return this.update({ selected: this.customer.selected });
  }

  /** A coin or note from the cash device; outside the payment step it goes straight back. */
  private async onCashInserted(amount: Yen): Promise<void> {
    if (this.view.screen !== 'payment' || !this.customer.quote) {
      this.deps.cash?.payOut(amount, 'notAccepting');
      this.deps.log('cash returned', { yen: amount, reason: 'notAccepting' });
      return;
    }
    this.touch();
    this.options.journal?.record(this.customer.quote.issuanceId, 'cashInserted', { yen: amount });
    this.customer.cash.insert(amount);
    await this.update({ paidYen: this.customer.cash.escrowYen });
    if (this.customer.cash.escrowYen >= this.customer.quote.totalYen) return this.issueAndPrint();
  }

  private async onCardInserted(): Promise<void> {
    await this.update({ cardPresent: true });
    if (this.view.screen === 'placeCard' || this.view.screen === 'awaitingResident') await this.readCard();
  }

  private async onCardRemoved(): Promise<void> {
    await this.update({ cardPresent: false });
    const screen = this.view.screen;
    // A card step failed (a faulty card, a locked PIN) and the session is over: the card leaving is the resident leaving.
    if (screen === 'refused' && !this.customer.auth) return this.endSession();
    if (screen === 'done' || screen === 'domicileApplied' || screen === 'idle') {
      // After an application the resident is finished too: taking the card ends the session.
      if (screen !== 'idle') await this.endSession();
      return;
    }
    if (moneyCommitted(screen)) return; // the card is no longer needed once paid
    if (this.held && screen !== 'refused' && screen !== 'error') {
      // The card that paid may come back within the window: the held copies wait for it again.
      this.resetCustomer();
      return this.update({ screen: 'awaitingResident', error: undefined, ...clearedCustomerView });
    }
    if (screen === 'payment') await this.cancelQuote('cardRemoved');
    if (screen === 'placeCard') return;
    this.resetCustomer();
    await this.update({ screen: 'refused', error: this.errorView('CARD_REMOVED'), ...clearedCustomerView });
  }

  private async readCard(): Promise<void> {
    this.customer.cardPlacedAt ??= performance.now();
    await this.update({ screen: 'readingCard' });
    const { signal } = this.cardCalls;
    let info: Awaited<ReturnType<SessionDeps['card']['readCardInfo']>>;
    try {
      info = await this.deps.card.readCardInfo({ signal });
    } catch (error) {
      if (signal.aborted) return; // whoever abandoned it (cancel, removal, idle timer) has its step queued next
      throw error;
    }
    this.customer.tokenType = info.tokenType;
    // null: the card gave no count (see CardInfo); the PIN screen then shows none.
    const triesLeft = info.pinTriesLeft ?? undefined;
    this.customer.pinTriesLeft = triesLeft;
    if (info.authCertificateDer) this.customer.authCertificateDer = info.authCertificateDer;
    if (this.held && info.authCertificateDer && !this.isHeldCard(info.authCertificateDer)) return this.endHeld('ISSUANCE_PRINT_FAILED');
    if (triesLeft !== undefined && triesLeft <= 0) throw new MadoguchiError('CARD_PIN_LOCKED');
    if (info.tokenType === 'iphone') return this.authenticateOnPhone();
    this.newPinEntry();
    await this.update({ screen: 'pin', keypad: this.customer.keypad!.labels, pinLength: 0, pinTriesLeft: triesLeft });
  }

  private newPinEntry(): void {
    this.customer.pin?.wipe();
    this.customer.keypad = new ShuffledKeypad();
    this.customer.pin = new PinBuffer();
  }

  /**
   * An iPhone token: no PIN pad and no PIN (none is ever made for this customer, so PIN intents
   * find nothing); the resident confirms on the phone, then the center checks the signature as for
   * a card. A refusal or a phone left unanswered ends the session through fail(), before any money.
   */
  private async authenticateOnPhone(): Promise<void> {
    const { signal } = this.cardCalls;
    await this.update({ screen: 'authenticating', phoneConfirmation: true, pinTriesLeft: undefined });
    try {
      const challenge = await this.deps.center.challenge();
      const signed = await this.deps.card.authenticateOnPhone(Buffer.from(challenge.challenge, 'base64'), { signal });
      await this.signIn(challenge.challengeId, signed);
    } catch (error) {
      if (signal.aborted) return; // as in readCard: the step that abandoned it comes next
      throw error;
    }
  }

  /** The center's authentication, the same for every token: challenge, signature, certificate chain and revocation. */
  private async signIn(challengeId: string, signed: CardAuthentication): Promise<void> {
    this.customer.authCertificateDer = signed.authCertificateDer;
    const auth = await this.deps.center.authenticate({
      challengeId,
      authCertificate: Buffer.from(signed.authCertificateDer).toString('base64'),
      signature: Buffer.from(signed.signature).toString('base64'),
      tokenType: signed.tokenType,
    });
    // The card that paid, authenticated again: its copies, not a menu (the certificate that signed is checked, not the one read).
    if (this.held) return this.isHeldCard(signed.authCertificateDer) ? this.resumeHeld() : this.endHeld('ISSUANCE_PRINT_FAILED');
    const menu = await this.printableMenu(auth.menu);
    this.customer.auth = { ...auth, menu };
    this.deps.log('resident authenticated', { municipality: auth.municipalityName.length > 0 });
    await this.update({
      screen: 'menu',
      municipalityName: auth.municipalityName,
      menu,
      householdMembers: auth.householdMembers,
      domicileRegistration: auth.domicileRegistration,
      pinTriesLeft: undefined,
      phoneConfirmation: undefined,
      error: undefined,
    });
  }

  private async authenticate(): Promise<void> {
    const pin = this.customer.pin!;
    const { signal } = this.cardCalls;
    await this.update({ screen: 'authenticating', keypad: undefined, pinLength: undefined });
    try {
      const challenge = await this.deps.center.challenge();
      const signed = await this.deps.card.authenticate(pin, Buffer.from(challenge.challenge, 'base64'), { signal });
      await this.signIn(challenge.challengeId, signed);
    } catch (error) {
      if (signal.aborted) return; // as in readCard: the step that abandoned it comes next
      if (error instanceof MadoguchiError && error.code === 'CARD_PIN_WRONG') {
        const triesLeft =
          (error as MadoguchiError & { triesLeft?: number }).triesLeft ?? Math.max(0, (this.customer.pinTriesLeft ?? 3) - 1);
        this.customer.pinTriesLeft = triesLeft;
        this.newPinEntry();
        await this.update({
          screen: 'pin',
          keypad: this.customer.keypad!.labels,
          pinLength: 0,
          pinTriesLeft: triesLeft,
          error: this.errorView('CARD_PIN_WRONG'),
        });
        return;
      }
      throw error;
    } finally {
      pin.wipe();
    }
  }

  /**
   * Certificates are sold only while the printer can print: when it cannot (paper out, a jam,
   * paused), what the center offered is refused with PRINTER_UNAVAILABLE before anyone pays.
   */
  private async printableMenu(menu: MenuItem[]): Promise<MenuItem[]> {
    const printer = await this.deps.printer.status();
    if (printer.canPrint) return menu;
    this.deps.log('printer cannot print', { reasons: printer.reasons.join(' ') });
    return menu.map((item) => (item.available ? { ...item, available: false, refusal: 'PRINTER_UNAVAILABLE' } : item));
  }

  private async choose(certificateType: CertificateType): Promise<void> {
    const item = this.customer.auth?.menu.find((m: MenuItem) => m.certificateType === certificateType);
    if (!item) return;
    if (!item.available) {
      await this.update({
        screen: 'refused',
        error: this.errorView(isErrorCode(item.refusal) ? item.refusal : 'ELIGIBILITY_TYPE_NOT_OFFERED'),
      });
      return;
    }
    this.customer.selected = { certificateType, options: defaultOptions(certificateType, item), copies: 1 };
    await this.update({ screen: 'options', selected: this.customer.selected, error: undefined });
  }

  private async requestQuote(): Promise<void> {
    const selected = this.customer.selected!;
    await this.update({ screen: 'quoting' });
    // Asked again: the printer may have stopped since the menu, and the quote is the last step before the cash.
    const printer = await this.deps.printer.status();
    if (!printer.canPrint) {
      this.deps.log('printer cannot print', { reasons: printer.reasons.join(' ') });
      await this.update({ screen: 'refused', error: this.errorView('PRINTER_UNAVAILABLE') });
      return;
    }
    try {
      const quote = await this.deps.center.quote({ sessionId: this.customer.auth!.sessionId, ...selected });
      this.customer.quote = quote;
      await this.update({ screen: 'payment', quote: { feeYen: quote.feeYen, totalYen: quote.totalYen, copies: quote.copies }, paidYen: 0 });
    } catch (error) {
      // Refusals come before payment: show them and let the resident choose something else.
      if (error instanceof MadoguchiError && error.code.startsWith('ELIGIBILITY_')) {
        await this.update({ screen: 'refused', error: this.errorView(error.code) });
        return;
      }
      throw error;
    }
  }

  /**
   * 本籍地利用登録申請 for the session's resident. Nothing is paid; the 戸籍 items stay refused until
   * the 本籍地 approves.
   */
  private async applyDomicileRegistration(): Promise<void> {
    const auth = this.customer.auth!;
    const offer = auth.domicileRegistration!;
    await this.update({ screen: 'domicileApplying' });
    try {
      await this.deps.center.applyDomicileRegistration(auth.sessionId);
      auth.domicileRegistration = { ...offer, status: 'pending', canApply: false, refusal: 'DOMICILE_REGISTRATION_PENDING' };
      this.deps.log('domicile registration applied');
      await this.update({ screen: 'domicileApplied', domicileRegistration: auth.domicileRegistration });
    } catch (error) {
      // The center's decision (pending already, not taking part, outside hours…): shown on the
      // confirmation screen, which then offers only the way back; the menu stops offering it.
      if (error instanceof MadoguchiError && (error.code.startsWith('DOMICILE_') || error.code.startsWith('ELIGIBILITY_'))) {
        auth.domicileRegistration = {
          ...offer,
          canApply: false,
          refusal: error.code,
          ...(error.code === 'DOMICILE_REGISTRATION_PENDING' ? { status: 'pending' as const } : {}),
        };
        await this.update({
          screen: 'domicileConfirm',
          error: this.errorView(error.code),
          domicileRegistration: auth.domicileRegistration,
        });
        return;
      }
      throw error;
    }
  }

  private async cancelQuote(reason: string): Promise<void> {
    const quote = this.customer.quote;
    const returned = this.returnEscrow(quote?.issuanceId, reason);
    if (returned > 0) this.deps.log('cash returned', { yen: returned, reason });
    this.customer.quote = undefined;
    if (quote)
      await this.deps.center
        .cancel(quote.issuanceId, 'ISSUANCE_INVALID_STATE')
        .catch((e: unknown) => this.deps.log('cancel failed', { code: codeOf(e) }));
    if (quote) this.options.journal?.record(quote.issuanceId, 'closed', { detail: reason });
  }

  /** The escrow goes back untouched, journaled before and after the cash unit pays it out. */
  private returnEscrow(issuanceId: string | undefined, reason: string): Yen {
    const journal = issuanceId ? this.options.journal : undefined;
    const escrow = this.customer.cash.escrowYen;
    const intent = escrow > 0 ? journal?.record(issuanceId!, 'escrowReturning', { yen: escrow, detail: reason }) : undefined;
    const back = this.customer.cash.returnAll(reason, payoutIdFor(issuanceId, intent));
    if (back > 0) journal?.record(issuanceId!, 'escrowReturned', { yen: back, detail: reason });
    return back;
  }

  /**
   * One copy's print result, queued durably in the journal with its idempotency key before it is
   * sent, and sent through the journal's outbox behind any earlier entry of its issuance still waiting
   * (queuePrintResult): a result the center did not get is sent again later with the same key, and
   * never overtaken by a later copy's. Without a journal (a demo) it is sent once, at once, and may throw.
   */
  private async reportPrint(
    issuanceId: string,
    { journeyMs, ...report }: Omit<PrintReport, 'issuanceId' | 'idempotencyKey'> & { journeyMs?: number },
  ): Promise<void> {
    const idempotencyKey = randomUUID();
    const journal = this.options.journal;
    if (!journal) {
      await this.deps.center.printResult(issuanceId, { ...report, ...(journeyMs === undefined ? {} : { journeyMs }) }, idempotencyKey);
      return;
    }
    // Not decided yet (no answer, a 5xx): the outbox has logged it and sends it again; nothing to throw.
    await queuePrintResult({ journal, center: this.deps.center, log: this.deps.log }, { issuanceId, ...report, idempotencyKey }, journeyMs);
  }

  /**
   * The cash stays in escrow while the center records the payment (and rechecks eligibility); it
   * is collected only when the center answers paid. A refusal, or no answer at all, hands the
   * escrowed cash back untouched — why an unknown outcome is not collected is explained in
   * ../payment/escrow-payment.ts.
   */
  private async issueAndPrint(): Promise<void> {
    const quote = this.customer.quote!;
    await this.update({ screen: 'issuing' });
    // One key for this quote's payment, drawn once: every retry is the same payment to the center,
    // answered with the first call's delivery or refusal, never a second payment.
    const idempotencyKey = randomUUID();
    this.options.journal?.record(quote.issuanceId, 'paymentStarted', { yen: quote.totalYen, detail: idempotencyKey });
    const outcome = await payFromEscrow(
      (key, deadlineAt) => this.deps.center.pay(quote.issuanceId, quote.totalYen, key, deadlineAt),
      idempotencyKey,
      {
        retryDelaysMs: this.options.paymentRetryDelaysMs ?? DEFAULT_PAYMENT_RETRY_DELAYS_MS,
        log: this.deps.log,
      },
    );
    if (outcome.kind !== 'paid') return this.paymentNotTaken(quote, outcome);
    const change = this.collectJournaled(quote, outcome.delivery, idempotencyKey);
    this.deps.log('cash collected', { issuance: quote.issuanceId, yen: quote.totalYen, change, attempts: outcome.attempts });
    if (change > 0) await this.update({ refundYen: change });
    await this.printDelivery(quote, outcome.delivery, change);
  }

  /** The center answered paid: journaled with the copies' ids and hashes (never the PDFs), then the change. */
  private collectJournaled(quote: QuoteResponse, delivery: Delivery, paymentKey: string): Yen {
    const journal = this.options.journal;
    const changeDue = this.customer.cash.escrowYen - quote.totalYen;
    const documents = delivery.documents.map(({ binding }) => ({
      copyIndex: binding.copyIndex,
      issueNumber: binding.issueNumber,
      documentSha256: binding.documentSha256,
    }));
    // What recognises this resident after a restart: the card certificate's digest the center bound, and the payment's key.
    const resume = delivery.documents[0] && {
      authCertificateSha256: delivery.documents[0].binding.authCertificateSha256,
      paymentKey,
      certificateType: this.customer.selected!.certificateType,
    };
    journal?.record(quote.issuanceId, 'paid', { yen: quote.totalYen, detail: paidDetail(changeDue, documents, resume) });
    const intent = changeDue > 0 ? journal?.record(quote.issuanceId, 'changeDispensing', { yen: changeDue }) : undefined;
    const change = this.customer.cash.collect(quote.totalYen, payoutIdFor(quote.issuanceId, intent));
    if (change > 0) journal?.record(quote.issuanceId, 'changeDispensed', { yen: change });
    return change;
  }

  /** Nothing was collected: the escrow goes back as it is, and the resident sees why. */
  private async paymentNotTaken(quote: QuoteResponse, outcome: Exclude<PaymentOutcome<unknown>, { kind: 'paid' }>): Promise<void> {
    this.customer.quote = undefined; // spent: voided, refunded, or being settled below
    const returned = this.returnEscrow(quote.issuanceId, outcome.code);
    this.deps.log('payment not taken, cash returned', {
      issuance: quote.issuanceId,
      outcome: outcome.kind,
      code: outcome.code,
      yen: returned,
      attempts: outcome.attempts,
    });
    // Settle the center now, not at the sweeper's TTL: a quote that never saw the payment is
    // voided, a payment whose answer was lost is refunded. If this fails too, the sweeper does it.
    // After a refusal too: the center has usually settled it already (the cancel is then refused
    // as ISSUANCE_INVALID_STATE, harmlessly), but a refusal can hide a payment still in flight —
    // the client's own retry of a dropped connection is answered "invalid state" while the
    // first attempt is still rendering — and the cancel refunds that one at once.
    await this.cancelAfterPayment(quote.issuanceId, outcome.code);
    this.options.journal?.record(quote.issuanceId, 'closed', { detail: outcome.code });
    // The error screen shows the center's reason and "¥… has been returned, please take it".
    await this.update({ screen: 'error', error: this.errorView(outcome.code), refundYen: returned > 0 ? returned : undefined });
    this.touch(); // the retries may have outlasted the idle timer: the screen still ends on its own
  }

  /**
   * The cancel of an issuance whose payment was started: the center may hold that payment (it committed
   * `paid` and then died, or its answer was lost), so with a journal the cancel is queued in its outbox
   * first and sent until the center decides — a center that is down when the resident gets the cash back
   * refunds it when it answers again, not at its sweeper's print-result TTL (docs/load.md#faulted-runs).
   */
  private async cancelAfterPayment(issuanceId: string, code: ErrorCode): Promise<void> {
    const journal = this.options.journal;
    if (journal) {
      const decided = await cancelPaid({ journal, center: this.deps.center, log: this.deps.log }, issuanceId, code);
      this.deps.log(decided ? 'unanswered payment settled' : 'cancel queued for the center', { issuance: issuanceId });
      return;
    }
    await this.deps.center.cancel(issuanceId, code).then(
      (r) => this.deps.log('unanswered payment settled', { issuance: issuanceId, state: r.state }),
      (e: unknown) => this.deps.log('cancel failed', { issuance: issuanceId, code: codeOf(e) }),
    );
  }

  /** From here on the resident has paid: every path ends with printed documents or a refund, reported to the center. */
  private async printDelivery(quote: QuoteResponse, delivery: Delivery, change: number): Promise<void> {
    const progress: PrintProgress = { printed: 0, failureReported: false };
    try {
      const checked = await this.checkEveryCopy(quote, delivery, progress);
      await this.update({ screen: 'printing' });
      await this.printCopies(quote.issuanceId, checked, progress);
      this.customer.printedDocuments = progress.printed;
      this.deps.log('issuance printed', { issuance: quote.issuanceId, copies: progress.printed });
      this.options.journal?.record(quote.issuanceId, 'closed');
      await this.update({ screen: 'done', printedDocuments: progress.printed });
    } catch (error) {
      await this.reportFirstUnprintedFailed(quote.issuanceId, delivery, progress);
      await this.refundUnprinted(quote, error, progress.printed, change);
    }
    const journal = this.options.journal;
    // Results the center missed, this customer's or earlier ones, go again with their own keys.
    if (journal) await deliverOutbox({ journal, center: this.deps.center, log: this.deps.log });
  }

  /**
   * A paid delivery that ends before any copy's failure reached the journal (the check could not fetch
   * the center's key, or anything else thrown between payment and paper): the first copy not on paper is
   * journaled and reported failed, as recovery does after a crash, so the center refunds exactly what the
   * resident gets back. Without it the kiosk refunded and the center kept the issuance delivered, its fee in
   * the ledger (a faulted load run's invariants: docs/load.md#faulted-runs).
   */
  private async reportFirstUnprintedFailed(issuanceId: string, delivery: Delivery, progress: PrintProgress): Promise<void> {
    if (progress.failureReported) return;
    const copy = delivery.documents[progress.printed]?.binding;
    if (!copy) return;
    const { copyIndex, issueNumber } = copy;
    progress.failureReported = true;
    this.options.journal?.record(issuanceId, 'printFailed', { copyIndex, issueNumber });
    await this.reportPrint(issuanceId, { issueNumber, outcome: 'failed', reasonCode: 'ISSUANCE_PRINT_FAILED' }).catch(() => undefined);
  }

  /** Every copy is checked before any is printed: a mismatch prints nothing and reports every copy rejected. */
  private async checkEveryCopy(quote: QuoteResponse, delivery: Delivery, progress?: PrintProgress): Promise<CheckedDocument[]> {
    const selected = this.customer.selected!;
    const key = await this.deps.centerPublicKey();
    if (delivery.documents.length !== quote.copies) throw new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', 'wrong number of documents');
    const checked: CheckedDocument[] = [];
    for (const doc of delivery.documents) {
      const result = await checkDeliveredDocument(doc, {
        issuanceId: quote.issuanceId,
        certificateType: selected.certificateType,
        authCertificateDer: this.customer.authCertificateDer!,
        centerPublicKey: key,
      });
      if (!result.ok) {
        this.deps.log('document rejected before print', { reason: result.reason, issuance: quote.issuanceId });
        if (progress) progress.failureReported = true;
        for (const { binding } of delivery.documents) {
          const { copyIndex, issueNumber } = binding;
          this.options.journal?.record(quote.issuanceId, 'printRejected', { copyIndex, issueNumber });
          await this.reportPrint(quote.issuanceId, { issueNumber, outcome: 'rejected', reasonCode: 'ISSUANCE_DOCUMENT_MISMATCH' }).catch(
            () => undefined,
          );
        }
        throw new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', result.reason);
      }
      checked.push(result);
    }
    return checked;
  }

  /**
   * Prints the checked copies in order, reporting each to the center; `progress.printed` counts the
   * copies on paper, so a failure part-way refunds only the rest.
   */
  private async printCopies(issuanceId: string, checked: CheckedDocument[], progress: PrintProgress): Promise<void> {
    for (const { binding, pdf } of checked) {
      let jobId: string;
      const { copyIndex, issueNumber } = binding;
      this.options.journal?.record(issuanceId, 'printing', { copyIndex, issueNumber });
      try {
        ({ jobId } = await this.deps.printer.print({
          issuanceId,
          copyIndex: binding.copyIndex,
          issueNumber: binding.issueNumber,
          pdf,
        }));
      } catch (error) {
        progress.failureReported = true;
        this.options.journal?.record(issuanceId, 'printFailed', { copyIndex, issueNumber });
        await this.reportPrint(issuanceId, { issueNumber, outcome: 'failed', reasonCode: 'ISSUANCE_PRINT_FAILED' }).catch(() => undefined);
        throw new MadoguchiError('ISSUANCE_PRINT_FAILED', error instanceof Error ? error.message : 'printer error');
      } finally {
        pdf.fill(0);
      }
      // The result is known: the resident's certificate is on paper, and stays nowhere else. A
      // file that cannot be removed now is swept at the next start.
      await this.deps.printer.release(jobId).catch(() => this.deps.log('spool file not released', { issuance: issuanceId }));
      // The copy is on paper: it counts as printed whatever happens to the report. A report the
      // center never gets (the client already retried it with one key) is not refunded to the
      // resident who holds the certificate; the center's sweeper files the issuance as an incident
      // (print_result_missing) for the operator to reconcile.
      progress.printed++;
      this.options.journal?.record(issuanceId, 'printed', { copyIndex, issueNumber });
      await this.reportPrint(issuanceId, { issueNumber, outcome: 'printed', ...this.journey() }).catch((error: unknown) => {
        this.deps.log('print result not reported', {
          issuance: issuanceId,
          code: error instanceof MadoguchiError ? error.code : 'INTERNAL',
        });
      });
    }
  }

  /** The fee of every copy not on paper goes back, with the change, and the resident sees why. */
  private async refundUnprinted(quote: QuoteResponse, error: unknown, printed: number, change: number): Promise<void> {
    const code: ErrorCode = error instanceof MadoguchiError ? error.code : 'ISSUANCE_PRINT_FAILED';
    const unprinted = quote.copies - printed;
    const refund = Math.round((quote.totalYen * unprinted) / quote.copies);
    const intent = this.options.journal?.record(quote.issuanceId, 'refunding', { yen: refund, detail: code });
    this.customer.cash.refund(refund as never, code, payoutIdFor(quote.issuanceId, intent));
    this.options.journal?.record(quote.issuanceId, 'refunded', { yen: refund, detail: code });
    this.options.journal?.record(quote.issuanceId, 'closed', { detail: code });
    // Error messages here are ours (printer, checks, center codes): no personal data.
    this.deps.log('issuance failed after payment', {
      issuance: quote.issuanceId,
      code,
      refundYen: refund,
      detail: error instanceof Error ? error.message : String(error),
    });
    await this.update({
      screen: 'error',
      error: this.errorView(code),
      refundYen: refund + (change > 0 ? change : 0),
      printedDocuments: printed,
    });
  }

  /**
   * After a restart (journal/crash-recovery.ts): holds a paid transaction's unprinted copies for the
   * card that paid, on the start screen, until its window ends.
   */
  awaitResident(tx: HeldTransaction): Promise<void> {
    return this.enqueue(async () => {
      const timer = setTimeout(() => void this.enqueue(() => this.heldWindowPassed(tx.issuanceId)), Math.max(0, tx.until - Date.now()));
      timer.unref();
      this.held = { tx, timer };
      this.deps.log('paid copies held for their resident', { issuance: tx.issuanceId, copies: tx.unprinted.length });
      await this.update({ screen: 'awaitingResident' });
    });
  }

  private async heldWindowPassed(issuanceId: string): Promise<void> {
    // A resume already printing ends printed or refunded on its own.
    if (this.held?.tx.issuanceId !== issuanceId || moneyCommitted(this.view.screen)) return;
    await this.endHeld('ISSUANCE_PRINT_FAILED');
  }

  private isHeldCard(authCertificateDer: Uint8Array): boolean {
    return createHash('sha256').update(authCertificateDer).digest('hex') === this.held?.tx.authCertificateSha256;
  }

  /** Refunds the held copies (journaled, reported failed) and returns the yen; nothing when none is held. */
  private async releaseHeld(): Promise<number> {
    const held = this.held;
    if (!held) return 0;
    clearTimeout(held.timer);
    this.held = undefined;
    const journal = this.options.journal;
    if (!journal) return 0;
    const refund = await settleHeld({ journal, center: this.deps.center, cash: this.deps.cash, log: this.deps.log }, held.tx.issuanceId);
    this.deps.log('held copies refunded', { issuance: held.tx.issuanceId, refundYen: refund });
    return refund;
  }

  /** The held copies end refunded, and whoever is there sees why and that the money came back. */
  private async endHeld(code: ErrorCode): Promise<void> {
    const refund = await this.releaseHeld();
    this.resetCustomer();
    await this.update({ screen: 'error', error: this.errorView(code), ...clearedCustomerView, refundYen: refund > 0 ? refund : undefined });
  }

  /**
   * The card that paid is back and authenticated: the payment is asked again with its own key (the
   * center answers with the copies not yet reported, journaled `resumed` first), every copy passes
   * the full last-hop check against this card, and the rest are printed and reported. Any failure
   * refunds what is still unprinted.
   */
  private async resumeHeld(): Promise<void> {
    const { tx } = this.held!;
    const journal = this.options.journal;
    const progress: PrintProgress = { printed: 0, failureReported: false };
    await this.update({ screen: 'issuing', error: undefined });
    try {
      journal?.record(tx.issuanceId, 'resumed');
      const delivery = await this.deps.center.pay(tx.issuanceId, yen(tx.totalYen), tx.paymentKey, Date.now() + DEFAULT_PAYMENT_BUDGET_MS);
      const checked = await this.checkHeldCopies(tx, delivery);
      await this.update({ screen: 'printing' });
      await this.printCopies(tx.issuanceId, checked, progress);
    } catch (error) {
      this.deps.log('held copies not printed', { issuance: tx.issuanceId, code: codeOf(error), printed: progress.printed });
      return this.endHeld(codeOf(error) === 'ISSUANCE_DOCUMENT_MISMATCH' ? 'ISSUANCE_DOCUMENT_MISMATCH' : 'ISSUANCE_PRINT_FAILED');
    }
    clearTimeout(this.held!.timer);
    this.held = undefined;
    journal?.record(tx.issuanceId, 'closed', { detail: 'resumed' });
    this.deps.log('held copies printed', { issuance: tx.issuanceId, copies: progress.printed });
    if (journal) await deliverOutbox({ journal, center: this.deps.center, log: this.deps.log });
    await this.update({ screen: 'done', printedDocuments: progress.printed });
  }

  /** Exactly the copies held, each the journaled hash, each passing the last-hop check for this card. */
  private async checkHeldCopies(tx: HeldTransaction, delivery: Delivery): Promise<CheckedDocument[]> {
    const key = await this.deps.centerPublicKey();
    const same = (a: { copyIndex: number; issueNumber: string; documentSha256: string }, b: typeof a) =>
      a.copyIndex === b.copyIndex && a.issueNumber === b.issueNumber && a.documentSha256 === b.documentSha256;
    if (delivery.documents.length !== tx.unprinted.length || delivery.documents.some(({ binding }, i) => !same(binding, tx.unprinted[i]!)))
      throw new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', 'not the held copies');
    const checked: CheckedDocument[] = [];
    for (const doc of delivery.documents) {
      const result = await checkDeliveredDocument(doc, {
        issuanceId: tx.issuanceId,
        certificateType: tx.certificateType,
        authCertificateDer: this.customer.authCertificateDer!,
        centerPublicKey: key,
      });
      if (!result.ok) {
        // Reported rejected, as in a first delivery; settleHeld sends the reports and refunds.
        for (const { copyIndex, issueNumber } of tx.unprinted)
          this.options.journal?.record(tx.issuanceId, 'printRejected', { copyIndex, issueNumber });
        throw new MadoguchiError('ISSUANCE_DOCUMENT_MISMATCH', result.reason);
      }
      checked.push(result);
    }
    return checked;
  }

  private async endSession(): Promise<void> {
    // Walking away from held copies (cancel, the idle timer) refunds them: never neither.
    if (this.held) await this.releaseHeld();
    // The start screen is never reset: no timer, and no warning left over from the last screen.
    this.idleTimer.stop();
    this.resetCustomer();
    // The next customer starts where the first one did: Japanese, default display, no alert (docs/misissuance.md#r6).
    await this.update({ screen: 'idle', language: 'ja', display: undefined, error: undefined, ...clearedCustomerView });
  }

  /** Wipes the PIN and drops every reference to the customer's data. */
  private resetCustomer(): void {
    this.abandonCardCall();
    this.customer.pin?.wipe();
    this.customer.authCertificateDer?.fill(0);
    this.customer = this.newCustomer();
  }

  /**
   * The call in progress sees its signal abort; the next one gets a fresh signal, whether or not
   * anything ends the session in between (a card taken from the start screen, say).
   */
  private abandonCardCall(): void {
    this.cardCalls.abort();
    this.cardCalls = new AbortController();
  }

  /** Card placed → this copy on paper, for the center's statistics; left out when unknown or past the bound. */
  private journey(): { journeyMs?: number } {
    if (this.customer.cardPlacedAt === undefined) return {};
    const journeyMs = Math.round(performance.now() - this.customer.cardPlacedAt);
    return journeyMs <= MAX_JOURNEY_MS ? { journeyMs } : {};
  }

  private newCustomer(): Customer {
    return { cash: this.options.newCashBox?.() ?? new CashBox(this.deps.cash) };
  }

  private touch(): void {
    this.idleTimer.touch();
  }

  private idleReset(): void {
    this.abandonCardCall();
    void this.enqueue(async () => {
      if (this.view.screen === 'payment') await this.cancelQuote('timeout');
      await this.endSession();
    });
  }

  private async fail(error: unknown): Promise<void> {
    const code: ErrorCode = codeOf(error);
    this.deps.log('session step failed', { code });
    const screen = this.view.screen;
    if (moneyCommitted(screen)) return; // handled inside issueAndPrint
    if (this.held) return this.endHeld(code); // a locked PIN, a refusal at sign-in: the held copies are refunded
    if (this.customer.quote) await this.cancelQuote(code).catch(() => undefined);
    this.resetCustomer();
    await this.update({ screen: 'refused', error: this.errorView(code), ...clearedCustomerView });
  }

  private errorView(code: ErrorCode): { code: string; message: string } {
    return { code, message: errorMessage(code, this.view.language === 'ja' ? 'ja' : 'en') };
  }

  private async update(patch: Partial<KioskView>): Promise<void> {
    const next = { ...this.view, ...patch, revision: this.view.revision + 1 } as KioskView;
    for (const k of Object.keys(next) as (keyof KioskView)[]) if (next[k] === undefined) delete next[k];
    this.view = next;
    for (const l of this.listeners) l(next);
    if (patch.screen !== undefined) await this.options.holdScreen?.(next);
  }
}

const VIEW_ONLY_INTENTS: ReadonlySet<KioskIntent['type']> = new Set(['setLanguage', 'setDisplay', 'continueSession']);

const clearedCustomerView: Partial<KioskView> = {
  keypad: undefined,
  pinLength: undefined,
  pinTriesLeft: undefined,
  phoneConfirmation: undefined,
  municipalityName: undefined,
  menu: undefined,
  householdMembers: undefined,
  domicileRegistration: undefined,
  selected: undefined,
  quote: undefined,
  paidYen: undefined,
  refundYen: undefined,
  printedDocuments: undefined,
};

/** The journaled payout's id for the cash unit; without a journal the unit draws its own. */
function payoutIdFor(issuanceId: string | undefined, intentSeq: number | undefined): string | undefined {
  return issuanceId !== undefined && intentSeq !== undefined ? payoutIdOf(issuanceId, intentSeq) : undefined;
}

function codeOf(error: unknown): ErrorCode {
  if (error instanceof MadoguchiError) return error.code;
  return 'INTERNAL';
}

function defaultOptions(type: CertificateType, item: MenuItem): CertificateOptions {
  if (type === 'residenceRecord' || type === 'residenceItemsCertificate') {
    return {
      residenceRecord: defaultResidenceRecordOptions(),
    };
  }
  if (type === 'taxCertificate') return { tax: { kind: 'income', taxYear: item.taxYears?.[0] ?? new Date().getFullYear() } };
  if (type.startsWith('familyRegister')) return { familyRegister: {} };
  return {};
}
