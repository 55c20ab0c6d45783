/**
 * Keeps one virtual card in one vpcd reader slot for a test harness. If pcscd (and with it vpcd)
 * goes away while a card is inserted, the card reconnects until vpcd listens again — as a card left
 * on a reader is seen again when the reader comes back.
 */
import { faultyResponse, type CardFault } from './card-faults.js';
import { connectToVpcd, type VpcdConnection } from './vpcd-client.js';
import type { SmartCard } from './jpki-applet.js';

export interface VpcdCardServer {
  /** With `fault`, the card misbehaves on every command from the first one (card-faults.ts). */
  insert(card: SmartCard, options?: { fault?: CardFault }): Promise<void>;
  remove(): Promise<void>;
  /** The next COMPUTE DIGITAL SIGNATURE pulls the card out before it answers. */
  removeOnNextSignature(): void;
  /**
   * The next COMPUTE DIGITAL SIGNATURE is left unanswered (the card stays in the reader) and
   * `onHeld` is called: a harness uses the moment to restart pcscd with that command in flight.
   */
  holdOnNextSignature(onHeld: () => void): void;
  readonly inserted: boolean;
}

export function createVpcdCardServer(options: { port: number; host?: string; connectTimeoutMs?: number }): VpcdCardServer {
  let card: SmartCard | undefined;
  let connection: VpcdConnection | undefined;
  let generation = 0;
  let pullOnSign = false;
  let holdOnSign: (() => void) | undefined;
  let fault: CardFault | undefined;
  const isSignature = (command: Uint8Array) => command[0] === 0x80 && command[1] === 0x2a;

  const attach = async (target: SmartCard, myGeneration: number): Promise<void> => {
    const deadline = Date.now() + (options.connectTimeoutMs ?? 10_000);
    for (;;) {
      if (myGeneration !== generation) return;
      const attempt = connectToVpcd(target, {
        port: options.port,
        ...(options.host ? { host: options.host } : {}),
        onCommand: (command) => {
          if (fault) return faultyResponse(fault);
          if (pullOnSign && isSignature(command)) {
            pullOnSign = false;
            card = undefined;
            generation++;
            void attempt.remove();
          }
          if (holdOnSign && isSignature(command)) {
            const onHeld = holdOnSign;
            holdOnSign = undefined;
            onHeld();
            return 'hold';
          }
          return undefined;
        },
        onClose: () => {
          // vpcd vanished (pcscd restart): come back when it listens again.
          if (myGeneration === generation && card === target) void attach(target, myGeneration).catch(() => undefined);
        },
      });
      try {
        await attempt.ready;
        connection = attempt;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  return {
    async insert(next, insertOptions) {
      await this.remove();
      card = next;
      fault = insertOptions?.fault;
      await attach(next, ++generation);
    },
    async remove() {
      generation++;
      card = undefined;
      const old = connection;
      connection = undefined;
      await old?.remove();
    },
    removeOnNextSignature() {
      pullOnSign = true;
    },
    holdOnNextSignature(onHeld) {
      holdOnSign = onHeld;
    },
    get inserted() {
      return card !== undefined;
    },
  };
}
