/**
 * A card lifted from the NFC reader and put back during a card step (docs/jpki-card.md#lift-and-return).
 * A hand on a contactless reader moves: the card leaves the field for a moment (the reader reports
 * a removal and an insertion, and the PC/SC handle is gone) or dips out of it (the card resets and
 * forgets the file it had selected and a verified PIN, and the reader reports nothing). The rule:
 *
 * - Reading (SELECT, token label, certificate, the empty VERIFY that counts tries) spends nothing,
 *   so it runs again from the start on the card that is back, within the step's budget. If the
 *   step had read a certificate before the lift, the card that is back must carry the same one
 *   (SHA-256 of its DER); another card, or one that shows none, ends the step with CARD_REMOVED.
 * - Authentication up to VERIFY: the same, against the certificate the PIN was typed for (the one
 *   the reading step found). A token that shows no certificate before the PIN (an Android phone)
 *   cannot be recognised, so there a lift ends the step.
 * - VERIFY is never sent twice. Once it has gone out, a lost answer may or may not have spent a
 *   try, and the PIN is wiped right after it whatever happens; the step ends and a new session
 *   reads the tries left afresh.
 * - The signature is never asked for again: a card that left the field has lost its verified PIN,
 *   and a new signature needs a new VERIFY and a fresh challenge, so a new session.
 * While a step may still run again, the reader's removal and insertion are held back from the
 * session; a step that ends well on the same card drops them, any other end passes them on.
 */
import { createHash } from 'node:crypto';
import { MadoguchiError } from '@madoguchi/shared';
import { CardStatusError } from './status-words.js';
import { TransportError, type CardTransport } from './transport.js';

/** Runs of a step after the first, each after the card came back or reset. */
export const MAX_CARD_RETURNS = 2;
/**
 * How long a lifted card may stay away before the step ends with CARD_REMOVED (within the step's
 * budget). A hand that wavers puts the card back within a moment; one that took it away should
 * hear so almost at once.
 */
export const DEFAULT_CARD_RETURN_MS = 1000;

/** Another card came back than the one the step started with: never retried. */
export class DifferentCardError extends MadoguchiError {
  constructor() {
    super('CARD_REMOVED', 'a different card is on the reader');
  }
}

/** The failures after which the step's card may be back as it was: lifted and replaced, or reset. */
export function cardLost(error: MadoguchiError): boolean {
  if (error instanceof DifferentCardError) return false;
  // 6986 "no current EF" right after a SELECT that worked: the card has forgotten it, it reset.
  return error.code === 'CARD_REMOVED' || (error instanceof CardStatusError && error.sw === 0x6986);
}

export function certificateDigest(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** What one card step knows of its card, across its runs. */
export class StepCard {
  private committed = false;

  constructor(
    /** A reading step spends nothing; an authenticating one spends a PIN try once it commits. */
    private readonly kind: 'reading' | 'authenticating',
    private expected: string | undefined,
    private readonly onCommit: () => void,
  ) {}

  /** The certificate each run finds (null: the token shows none before the PIN). Throws for another card. */
  identify(certificateDer: Uint8Array | null): void {
    const digest = certificateDer ? certificateDigest(certificateDer) : undefined;
    if (this.expected !== undefined && digest !== this.expected) throw new DifferentCardError();
    this.expected = digest;
  }

  /** From here on the step spends something (VERIFY): it never runs again. */
  commit(): void {
    this.committed = true;
    this.onCommit();
  }

  get retryable(): boolean {
    return !this.committed && (this.kind === 'reading' || this.expected !== undefined);
  }

  get digest(): string | undefined {
    return this.expected;
  }
}

/**
 * The reader's removal and insertion while a step may still run again. Only the session hears them
 * late: the run in progress ends at once (a command to a card that has gone may never be answered).
 */
export class HeldCardEvents {
  private holding = false;
  private removed = false;
  private inserted = false;
  private removals = 0;
  private removalsAtRunStart = 0;
  private run: { controller: AbortController; detach: () => void } | undefined;

  constructor(private readonly pass: (event: 'cardRemoved' | 'cardInserted') => void) {}

  hold(): void {
    this.holding = true;
  }

  /** True when the removal is held back; the run in progress then ends. */
  removal(): boolean {
    if (!this.holding) return false;
    this.removed = true;
    this.inserted = false;
    this.removals++;
    this.run?.controller.abort(new TransportError('cardRemoved', 'card lifted during the step'));
    return true;
  }

  /** True when the insertion is held back (a card came back after a held removal). */
  insertion(): boolean {
    if (!this.holding || !this.removed) return false;
    this.inserted = true;
    return true;
  }

  /** A held removal whose card has not come back yet. */
  get away(): boolean {
    return this.removed && !this.inserted;
  }

  /**
   * A run of the step starts: it reads the card on the reader now, from the start. Its signal
   * aborts with the operation's, or when the card leaves during the run.
   */
  runStarting(operation: AbortSignal): AbortSignal {
    this.runEnded();
    this.removalsAtRunStart = this.removals;
    const controller = new AbortController();
    const onAbort = () => controller.abort(operation.reason);
    if (operation.aborted) onAbort();
    else operation.addEventListener('abort', onAbort, { once: true });
    this.run = { controller, detach: () => operation.removeEventListener('abort', onAbort) };
    return controller.signal;
  }

  runEnded(): void {
    this.run?.detach();
    this.run = undefined;
  }

  /**
   * The run that started last has found its card (the same one, where one was known) with no lift
   * during it: the lifts before it are made good and the session never hears of them.
   */
  runSucceeded(): void {
    if (this.removals === this.removalsAtRunStart) this.removed = this.inserted = false;
  }

  /** Stops holding, passing on a removal (and the insertion after it) that no run made good. */
  release(): void {
    if (!this.holding) return;
    this.holding = false;
    const [removed, inserted] = [this.removed, this.inserted];
    this.removed = this.inserted = false;
    if (removed) this.pass('cardRemoved');
    if (removed && inserted) this.pass('cardInserted');
  }
}

/**
 * Resolves once a card is on the reader again (after a held removal, once it has come back);
 * rejects with CARD_REMOVED after `ms`, or with the signal's reason.
 */
export function waitForCard(transport: CardTransport, held: HeldCardEvents, signal: AbortSignal, ms: number): Promise<void> {
  const back = () => transport.cardPresent && !held.away;
  if (back()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const offs: (() => void)[] = [];
    const done = (error?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => done(signal.reason as Error);
    const timer = setTimeout(() => done(new MadoguchiError('CARD_REMOVED', `the card did not come back within ${ms} ms`)), ms);
    signal.addEventListener('abort', onAbort, { once: true });
    const check = () => {
      if (back()) done();
    };
    offs.push(transport.on('cardInserted', check), transport.on('cardRemoved', check));
    if (signal.aborted) onAbort();
  });
}
