/**
 * The seam between the JPKI client and whatever carries APDUs: pcsclite over a real pcscd (product,
 * integration tests) or an in-process virtual reader (demo, unit tests). Both implement this.
 */
export type ReaderStatus = 'ready' | 'noReader' | 'reconnecting';

export interface CardTransportEvents {
  readerStatus: (status: ReaderStatus) => void;
  cardInserted: () => void;
  cardRemoved: () => void;
}

export interface TransmitOptions {
  /**
   * Abandons the command when it aborts: transmit rejects with the signal's reason at once. The
   * session then takes no further command, so a late answer can never be read as the answer to a
   * later one; its disconnect resets the card once the abandoned command has ended.
   */
  signal?: AbortSignal;
}

export interface CardConnection {
  /** Sends one command APDU; resolves with response data + SW1 SW2. */
  transmit(command: Uint8Array, options?: TransmitOptions): Promise<Uint8Array>;
  /**
   * Ends the exclusive session. `reset` drops the card's volatile state (a verified PIN). Never
   * waits for an abandoned command: the transport finishes that on its own before the next connect.
   */
  disconnect(options?: { reset?: boolean }): Promise<void>;
}

export interface CardTransport {
  readonly readerStatus: ReaderStatus;
  readonly cardPresent: boolean;
  /**
   * The ATR of the card on the reader as the reader presents it: a contactless card has none of
   * its own, and an NFC reader makes one up from its activation (docs/jpki-card.md#atr).
   */
  readonly cardAtr: Uint8Array | undefined;
  on<E extends keyof CardTransportEvents>(event: E, listener: CardTransportEvents[E]): () => void;
  /**
   * An exclusive session with the card in the reader. Throws TransportError, or the signal's reason
   * once it aborts (a session still winding down after an abandoned command is waited for).
   */
  connect(options?: { signal?: AbortSignal }): Promise<CardConnection>;
  close(): Promise<void>;
}

export type TransportFailure = 'cardRemoved' | 'noCard' | 'readerUnavailable' | 'busy' | 'other';

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
