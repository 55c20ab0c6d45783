/**
 * The kiosk's card service (main process). It owns the transport, turns every failure into a catalog
 * error, runs one card operation at a time, and wipes the PIN right after VERIFY whatever the answer.
 * Log events carry step names and status words only — never the PIN, certificate or signature.
 */
import { MadoguchiError, type TokenType } from '@madoguchi/shared';
import { JpkiClient } from './jpki-client.js';
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
  on<E extends keyof CardServiceEvents>(event: E, listener: CardServiceEvents[E]): () => void;
  readCardInfo(): Promise<CardInfo>;
  /** Throws MadoguchiError (CardPinWrongError for CARD_PIN_WRONG, with triesLeft). Always wipes `pin`. */
  authenticate(pin: PinBuffer, challenge: Uint8Array): Promise<CardAuthentication>;
  close(): Promise<void>;
}

export interface CardServiceOptions {
  transport: CardTransport;
  log?: CardLog;
}

export function createCardService(options: CardServiceOptions): CardService {
  const { transport } = options;
  const log: CardLog = options.log ?? (() => {});
  const listeners = new Listeners<CardServiceEvents>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const unsubscribe = [
    transport.on('readerStatus', (status) => {
      log('card.readerStatus', { status });
      listeners.emit('readerStatus', status);
    }),
    transport.on('cardInserted', () => {
      log('card.inserted');
      listeners.emit('cardInserted');
    }),
    transport.on('cardRemoved', () => {
      log('card.removed');
      listeners.emit('cardRemoved');
    }),
  ];

  /** One card operation at a time; a failure maps to a catalog error and never blocks the next. */
  function exclusive<T>(name: string, work: (client: JpkiClient) => Promise<T>, disconnect: { reset: boolean }): Promise<T> {
    const run = async (): Promise<T> => {
      if (closed) throw new MadoguchiError('CARD_READER_UNAVAILABLE', 'card service closed');
      const started = performance.now();
      let connection: CardConnection | undefined;
      try {
        connection = await transport.connect();
        const result = await work(new JpkiClient(connection));
        log(`card.${name}`, { outcome: 'ok', ms: Math.round(performance.now() - started) });
        return result;
      } catch (error) {
        const mapped = toCardError(error);
        log(`card.${name}`, { outcome: mapped.code, detail: mapped.detail, ms: Math.round(performance.now() - started) });
        throw mapped;
      } finally {
        if (connection) await connection.disconnect(disconnect).catch(() => undefined);
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    get readerStatus() {
      return transport.readerStatus;
    },
    get cardPresent() {
      return transport.cardPresent;
    },
    on: (event, listener) => listeners.on(event, listener),

    readCardInfo: () =>
      exclusive(
        'readCardInfo',
        async (client) => {
          await client.selectAp();
          const tokenType = await client.readTokenType();
          const authCertificateDer = tokenType === 'android' ? null : await readCertificateOrNull(client);
          const counter = await client.pinCounter();
          if (counter.kind === 'verified') log('card.pinCounterUnknown', { reason: 'empty VERIFY answered 9000' });
          const pinTriesLeft = counter.kind === 'triesLeft' ? counter.triesLeft : counter.kind === 'locked' ? 0 : null;
          return { tokenType, authCertificateDer, pinTriesLeft };
        },
        { reset: false },
      ),

    authenticate: (pin, challenge) => {
      if (!pin.complete) {
        pin.wipe();
        return Promise.reject(new MadoguchiError('CARD_PIN_WRONG', 'incomplete PIN'));
      }
      return exclusive(
        'authenticate',
        async (client) => {
          try {
            await client.selectAp();
            const tokenType = await client.readTokenType();
            // Cards: certificate first (no PIN spent on a card that has none). Smartphones: PIN first.
            let certificate = tokenType === 'android' ? null : await readCertificateOrNull(client);
            try {
              await client.verifyPin(pin);
            } finally {
              pin.wipe();
            }
            certificate ??= await client.readCertificate();
            const signature = await client.signChallenge(challenge);
            return { authCertificateDer: certificate, signature, tokenType };
          } finally {
            pin.wipe();
          }
        },
        // Reset so the verified PIN does not outlive this session on the card.
        { reset: true },
      );
    },

    close: async () => {
      closed = true;
      for (const off of unsubscribe) off();
      listeners.clear();
      await queue;
      await transport.close();
    },
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
