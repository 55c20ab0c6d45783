/**
 * The kiosk's card service (main process). It owns the transport, turns every failure into a catalog
 * error, runs one card operation at a time, and wipes the PIN right after VERIFY whatever the answer.
 * Log events carry step names and status words only — never the PIN, certificate or signature.
 * Every operation has a budget and every command a deadline, and the caller may abandon one with
 * an AbortSignal: a card that never answers, or answers "more data" forever, ends the operation
 * with CARD_ERROR instead of holding the kiosk. A card lifted from the reader and put back during
 * an operation is handled by the rule in lift-and-return.ts: read again if nothing was spent and
 * it is the same card, otherwise the operation ends; two cards are never mixed in one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MadoguchiError, type TokenType } from '@madoguchi/shared';
import { atrInterface } from './atr.js';
import { deadline, untilAborted } from './deadline.js';
import { JpkiClient } from './jpki-client.js';
import { DEFAULT_CARD_RETURN_MS, HeldCardEvents, MAX_CARD_RETURNS, StepCard, cardLost, waitForCard } from './lift-and-return.js';
import { Listeners } from './listeners.js';
import type { PinBuffer } from './pin-buffer.js';
import { TransportError, type CardConnection, type CardTransport, type ReaderStatus } from './transport.js';

export type CardLog = (event: string, fields?: Record<string, unknown>) => void;

export interface CardInfo {
  tokenType: TokenType;
  /** null for smartphone tokens: they release the certificate only after the PIN. */
  authCertificateDer: Uint8Array | null;
  /**
   * Tries left (0 = locked), or null when the card did not give a count: its empty VERIFY answered
   * 9000 (PIN already verified in the card's security state), which says nothing about the counter.
   */
  pinTriesLeft: number | null;
}

export interface CardAuthentication {
  authCertificateDer: Uint8Array;
  signature: Uint8Array;
  tokenType: TokenType;
}

interface CardServiceEvents {
  readerStatus: (status: ReaderStatus) => void;
  cardInserted: () => void;
  cardRemoved: () => void;
}

export interface CardService {
  readonly readerStatus: ReaderStatus;
  readonly cardPresent: boolean;
  /** The ATR of the card on the reader, as the reader presents it (an NFC reader's pseudo-ATR for a contactless card). */
  readonly cardAtr: Uint8Array | undefined;
  on<E extends keyof CardServiceEvents>(event: E, listener: CardServiceEvents[E]): () => void;
  readCardInfo(options?: CardCallOptions): Promise<CardInfo>;
  /** Throws MadoguchiError (CardPinWrongError for CARD_PIN_WRONG, with triesLeft). Always wipes `pin`. */
  authenticate(pin: PinBuffer, challenge: Uint8Array, options?: CardCallOptions): Promise<CardAuthentication>;
  /**
   * An iPhone token: no PIN; the signature comes once the holder confirms on the phone. Throws
   * CARD_PHONE_DECLINED or CARD_PHONE_TIMEOUT (after `phoneConfirmationMs`), or as `authenticate`.
   */
  authenticateOnPhone(challenge: Uint8Array, options?: CardCallOptions): Promise<CardAuthentication>;
  close(): Promise<void>;
}

export interface CardCallOptions {
  /** Abandons the operation (the resident cancelled, the card left, the idle timer): it rejects at once. */
  signal?: AbortSignal;
}

/**
 * A real card's slowest command, the RSA-2048 signature, takes a few hundred ms, and a whole
 * authentication about a second on a slow reader. A card silent for longer is faulty, and the
 * resident should hear so within a couple of seconds, not wait on it.
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 5000;
/** How long an iPhone's holder has to confirm on the phone: time to find the prompt, look at it, or type the phone's passcode. */
export const DEFAULT_PHONE_CONFIRMATION_MS = 60_000;
/** How often the kiosk asks an iPhone again while its prompt is open (each ask is one short APDU). */
export const DEFAULT_PHONE_POLL_MS = 250;

export interface CardServiceOptions {
  transport: CardTransport;
  log?: CardLog;
  /** How long one command may go unanswered (default DEFAULT_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
  /**
   * How long one operation may take, from waiting for the reader to the last answer
   * (default DEFAULT_OPERATION_TIMEOUT_MS).
   */
  operationTimeoutMs?: number;
  /** How long a card lifted during an operation may stay away (default DEFAULT_CARD_RETURN_MS, within the budget). */
  cardReturnMs?: number;
  /** How long an iPhone's holder may take to confirm (default DEFAULT_PHONE_CONFIRMATION_MS), on top of the operation's budget. */
  phoneConfirmationMs?: number;
  /** Pause between two asks while the phone's prompt is open (default DEFAULT_PHONE_POLL_MS). */
  phonePollMs?: number;
}

/** One card operation: what it runs on each try, whether it may spend a PIN try, how its session ends. */
interface Operation<T> {
  name: string;
  kind: 'reading' | 'authenticating';
  work: (client: JpkiClient, card: StepCard) => Promise<T>;
  disconnect: { reset: boolean };
  /** The operation's own budget when it is not the service's (waiting on a phone's holder). */
  budgetMs?: number;
}

/** What one operation's tries share. */
interface OperationContext {
  transport: CardTransport;
  held: HeldCardEvents;
  signal: AbortSignal;
  log: CardLog;
  commandTimeoutMs: number;
  cardReturnMs: number;
}

// eslint-disable-next-line max-lines-per-function -- a factory: exclusive() and the methods share the queue, closed flag and card
export function createCardService(options: CardServiceOptions): CardService {
  const { transport } = options;
  const log: CardLog = options.log ?? (() => {});
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const cardReturnMs = options.cardReturnMs ?? DEFAULT_CARD_RETURN_MS;
  const phone = {
    confirmationMs: options.phoneConfirmationMs ?? DEFAULT_PHONE_CONFIRMATION_MS,
    pollMs: options.phonePollMs ?? DEFAULT_PHONE_POLL_MS,
  };
  const listeners = new Listeners<CardServiceEvents>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  /** SHA-256 of the certificate of the card on the reader, once read; forgotten when the session hears it leave. */
  let cardOnReader: string | undefined;

  const held = new HeldCardEvents((event) => announce(event));
  const announce = (event: 'cardRemoved' | 'cardInserted') => {
    if (event === 'cardRemoved') {
      cardOnReader = undefined;
      log('card.removed');
    } else log('card.inserted', { interface: atrInterface(transport.cardAtr) });
    listeners.emit(event);
  };
  const unsubscribe = forwardTransportEvents(transport, listeners, held, announce, log);

  /**
   * One card operation at a time; a failure maps to a catalog error and never blocks the next. The
   * budget starts when the operation is asked for, so time spent waiting behind another counts.
   */
  function exclusive<T>(operation: Operation<T>, callerSignal?: AbortSignal): Promise<T> {
    const { name } = operation;
    const cancelled = new AbortController();
    const onCallerAbort = () => cancelled.abort(new MadoguchiError('CARD_ERROR', `${name}: abandoned by the session`));
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const budgetMs = operation.budgetMs ?? operationTimeoutMs;
    const budget = deadline(budgetMs, () => new MadoguchiError('CARD_ERROR', `${name}: over the ${budgetMs} ms budget`), cancelled.signal);
    const { signal } = budget;
    const run = async (): Promise<T> => {
      if (closed) throw new MadoguchiError('CARD_READER_UNAVAILABLE', 'card service closed');
      const started = performance.now();
      // An authentication must find the card the PIN was typed for: the one the reading found.
      const card = new StepCard(operation.kind, operation.kind === 'authenticating' ? cardOnReader : undefined, () => {
        held.runSucceeded();
        held.release();
      });
      held.hold();
      try {
        const context = { transport, held, signal, log, commandTimeoutMs, cardReturnMs };
        const result = await tryWithReturns(context, operation, card);
        held.runSucceeded();
        cardOnReader = card.digest;
        log(`card.${name}`, { outcome: 'ok', ms: Math.round(performance.now() - started) });
        return result;
      } catch (error) {
        const mapped = toCardError(error);
        log(`card.${name}`, { outcome: mapped.code, detail: mapped.detail, ms: Math.round(performance.now() - started) });
        throw mapped;
      } finally {
        // Before the caller hears the outcome, so a removal no try made good reaches the session first.
        held.release();
      }
    };
    // The queue follows the work itself, so two sessions never overlap on the reader; the caller
    // is released when the signal fires even if a transport has not noticed it yet.
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return untilAborted(result, signal)
      .catch((error: unknown) => {
        throw toCardError(error);
      })
      .finally(() => {
        budget.clear();
        callerSignal?.removeEventListener('abort', onCallerAbort);
      });
  }

  return {
    get readerStatus() {
      return transport.readerStatus;
    },
    get cardPresent() {
      return transport.cardPresent;
    },
    get cardAtr() {
      return transport.cardAtr;
    },
    on: (event, listener) => listeners.on(event, listener),

    readCardInfo: (callOptions) =>
      exclusive(
        {
          name: 'readCardInfo',
          kind: 'reading',
          work: (client, card) => readCardInfoWith(client, card, log),
          disconnect: { reset: false },
        },
        callOptions?.signal,
      ),

    authenticate: (pin, challenge, callOptions) => {
      if (!pin.complete) {
        pin.wipe();
        return Promise.reject(new MadoguchiError('CARD_PIN_WRONG', 'incomplete PIN'));
      }
      return exclusive(
        {
          name: 'authenticate',
          kind: 'authenticating',
          work: (client, card) => authenticateWith(client, card, pin, challenge),
          // Reset so the verified PIN does not outlive this session on the card.
          disconnect: { reset: true },
        },
        callOptions?.signal,
      ).finally(() => pin.wipe()); // abandoned, the caller hears of it before the work has unwound
    },

    authenticateOnPhone: (challenge, callOptions) =>
      exclusive(
        {
          name: 'authenticateOnPhone',
          kind: 'authenticating',
          work: (client, card) => authenticateOnPhoneWith(client, card, challenge, phone),
          disconnect: { reset: true },
          budgetMs: operationTimeoutMs + phone.confirmationMs,
        },
        callOptions?.signal,
      ),

    close: async () => {
      closed = true;
      for (const off of unsubscribe) off();
      listeners.clear();
      await queue;
      await transport.close();
    },
  };
}

/**
 * Runs the operation, and again (at most MAX_CARD_RETURNS times) when its card was lifted and came
 * back or reset while nothing was spent yet (lift-and-return.ts); every try starts from SELECT.
 */
async function tryWithReturns<T>(context: OperationContext, operation: Operation<T>, card: StepCard): Promise<T> {
  for (let returns = 0; ; returns++) {
    const signal = context.held.runStarting(context.signal);
    let connected = false;
    try {
      return await tryOnce({ ...context, signal }, operation.disconnect, (client) => {
        connected = true;
        return operation.work(client, card);
      });
    } catch (error) {
      const mapped = toCardError(error);
      // A card missing when the operation began was not lifted during it: nothing to wait for.
      const liftedDuring = connected || returns > 0;
      if (returns === MAX_CARD_RETURNS || !liftedDuring || !card.retryable || !cardLost(mapped) || context.signal.aborted) throw mapped;
      context.log('card.again', { step: operation.name, reason: mapped.code, detail: mapped.detail });
      await waitForCard(context.transport, context.held, context.signal, context.cardReturnMs);
    } finally {
      context.held.runEnded();
    }
  }
}

/** One exclusive session with the card, every command under its deadline. */
async function tryOnce<T>(context: OperationContext, disconnect: { reset: boolean }, work: (client: JpkiClient) => Promise<T>): Promise<T> {
  let connection: CardConnection | undefined;
  try {
    context.signal.throwIfAborted();
    connection = await context.transport.connect({ signal: context.signal });
    return await work(new JpkiClient(withCommandDeadline(connection, context.signal, context.commandTimeoutMs)));
  } finally {
    if (connection) await connection.disconnect(disconnect).catch(() => undefined);
  }
}

/**
 * Passes the reader's events on to the service's listeners, logged, except a removal and return
 * held back while an operation may still read its card again; returns the unsubscribe functions.
 */
function forwardTransportEvents(
  transport: CardTransport,
  listeners: Listeners<CardServiceEvents>,
  held: HeldCardEvents,
  announce: (event: 'cardRemoved' | 'cardInserted') => void,
  log: CardLog,
): (() => void)[] {
  return [
    transport.on('readerStatus', (status) => {
      log('card.readerStatus', { status });
      listeners.emit('readerStatus', status);
    }),
    transport.on('cardInserted', () => {
      if (held.insertion()) log('card.backDuringStep', { interface: atrInterface(transport.cardAtr) });
      else announce('cardInserted');
    }),
    transport.on('cardRemoved', () => {
      if (held.removal()) log('card.liftedDuringStep');
      else announce('cardRemoved');
    }),
  ];
}

async function readCardInfoWith(client: JpkiClient, card: StepCard, log: CardLog): Promise<CardInfo> {
  await client.selectAp();
  const tokenType = await client.readTokenType();
  const authCertificateDer = tokenType === 'android' ? null : await readCertificateOrNull(client);
  card.identify(authCertificateDer);
  // An iPhone has no PIN at the reader (its holder confirms on the phone): no counter to show.
  if (tokenType === 'iphone') return { tokenType, authCertificateDer, pinTriesLeft: null };
  const counter = await client.pinCounter();
  if (counter.kind === 'verified') log('card.pinCounterUnknown', { reason: 'empty VERIFY answered 9000' });
  const pinTriesLeft = counter.kind === 'triesLeft' ? counter.triesLeft : counter.kind === 'locked' ? 0 : null;
  return { tokenType, authCertificateDer, pinTriesLeft };
}

/**
 * The PIN is wiped right after VERIFY, whatever the answer; a try that ends before VERIFY keeps it
 * for the next try on the same card, and the operation wipes it when it ends, whatever happens.
 * It goes only to the card whose certificate the reading found (another one ends the step first).
 */
async function authenticateWith(client: JpkiClient, card: StepCard, pin: PinBuffer, challenge: Uint8Array): Promise<CardAuthentication> {
  await client.selectAp();
  const tokenType = await client.readTokenType();
  // Cards: certificate first (no PIN spent on a card that has none). Smartphones: PIN first.
  const beforePin = tokenType === 'android' ? null : await readCertificateOrNull(client);
  card.identify(beforePin);
  card.commit(); // VERIFY may spend a try: from here on the step never runs again
  try {
    await client.verifyPin(pin);
  } finally {
    pin.wipe();
  }
  const certificate = beforePin ?? (await client.readCertificate());
  if (!beforePin) card.identify(certificate);
  const signature = await client.signChallenge(challenge);
  return { authCertificateDer: certificate, signature, tokenType };
}

/**
 * An iPhone: the same challenge and signature as a card, with no PIN sent. The certificate must be
 * the one the reading found; the phone's prompt opens at the first SIGNATURE, so the step never
 * runs again after it (a second prompt would be a second question to the holder).
 */
async function authenticateOnPhoneWith(
  client: JpkiClient,
  card: StepCard,
  challenge: Uint8Array,
  phone: { confirmationMs: number; pollMs: number },
): Promise<CardAuthentication> {
  await client.selectAp();
  const tokenType = await client.readTokenType();
  if (tokenType !== 'iphone') throw new MadoguchiError('CARD_ERROR', `authenticateOnPhone: a ${tokenType} token takes the PIN`);
  const certificate = await client.readCertificate();
  card.identify(certificate);
  card.commit();
  const until = performance.now() + phone.confirmationMs;
  for (;;) {
    const answer = await client.signChallengeOnPhone(challenge);
    if (answer.kind === 'signed') return { authCertificateDer: certificate, signature: answer.signature, tokenType };
    if (answer.kind === 'declined') throw new MadoguchiError('CARD_PHONE_DECLINED', 'sign: declined on the phone');
    if (performance.now() >= until)
      throw new MadoguchiError('CARD_PHONE_TIMEOUT', `sign: no confirmation within ${phone.confirmationMs} ms`);
    await sleep(phone.pollMs);
  }
}

/**
 * Every command under its own deadline within the operation's signal. No command is sent once the
 * operation is over, whatever the transport does with signals.
 */
function withCommandDeadline(connection: CardConnection, operation: AbortSignal, timeoutMs: number): CardConnection {
  return {
    async transmit(command) {
      operation.throwIfAborted();
      const limit = deadline(timeoutMs, () => new MadoguchiError('CARD_ERROR', `no answer within ${timeoutMs} ms`), operation);
      try {
        return await untilAborted(connection.transmit(command, { signal: limit.signal }), limit.signal);
      } finally {
        limit.clear();
      }
    },
    disconnect: (options) => connection.disconnect(options),
  };
}

/** A card whose certificate sits behind the PIN (6982) is treated like a smartphone token. */
async function readCertificateOrNull(client: JpkiClient): Promise<Uint8Array | null> {
  try {
    return await client.readCertificate();
  } catch (error) {
    if (error instanceof MadoguchiError && error.code === 'CARD_ERROR' && error.detail?.includes('6982')) return null;
    throw error;
  }
}

export function toCardError(error: unknown): MadoguchiError {
  if (error instanceof MadoguchiError) return error;
  if (error instanceof TransportError) {
    if (error.failure === 'cardRemoved' || error.failure === 'noCard') return new MadoguchiError('CARD_REMOVED', error.message);
    if (error.failure === 'readerUnavailable') return new MadoguchiError('CARD_READER_UNAVAILABLE', error.message);
    return new MadoguchiError('CARD_ERROR', error.message);
  }
  return new MadoguchiError('CARD_ERROR', error instanceof Error ? error.message : 'unknown card failure');
}
