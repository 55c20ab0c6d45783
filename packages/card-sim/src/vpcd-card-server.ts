/**
 * Keeps one virtual card in one vpcd reader slot for a test harness. If pcscd (and with it vpcd)
 * goes away while a card is inserted, the card reconnects until vpcd listens again — as a card left
 * on a reader is seen again when the reader comes back.
 *
 * It also plays what a hand does to a card on an NFC reader (docs/jpki-card.md#lift-and-return):
 * the card leaves the field right after answering a command and comes back a moment later — or
 * another card comes in its place — and a field dip resets the card between two commands (its
 * selected file and verified PIN are gone, the reader reports nothing).
 */
import { hex } from './apdu.js';
import { faultyResponse, type CardFault } from './card-faults.js';
import { connectToVpcd, type VpcdConnection } from './vpcd-client.js';
import type { SmartCard } from './jpki-applet.js';

/** The `nth` command (from when the plan is made) whose instruction byte is `ins`. */
export interface CommandMatch {
  ins: number;
  nth?: number;
}

/** One command as a card received it: its header (CLA INS P1 P2), length and Le if that is all, never its data (a PIN). */
export interface ReceivedCommand {
  card: string;
  header: string;
  length: number;
  /** A case-2 command's Le (READ BINARY: how many bytes it asks for). */
  le?: number;
}

export interface NamedCard {
  card: SmartCard;
  /** How the command log names it (a card id; no personal data). */
  name: string;
}

export interface VpcdCardServer {
  /** With `fault`, the card misbehaves on every command from the first one (card-faults.ts). */
  insert(card: SmartCard, options?: { fault?: CardFault; name?: string }): Promise<void>;
  remove(): Promise<void>;
  /**
   * Right after answering the matching command the card leaves the reader; after `awayMs` it is
   * put back — or `replacement` is placed instead. Long enough away (pcscd polls presence about
   * every 0.4 s), the reader reports a removal and an insertion.
   */
  liftAfter(match: CommandMatch, options: { awayMs: number; replacement?: NamedCard }): void;
  /** Right after answering the matching command the card resets (as a dip in the field does). */
  resetAfter(match: CommandMatch): void;
  /** The commands each card received since the last call. */
  takeCommandLog(): ReceivedCommand[];
  /** The next COMPUTE DIGITAL SIGNATURE pulls the card out before it answers. */
  removeOnNextSignature(): void;
  /**
   * The next COMPUTE DIGITAL SIGNATURE is left unanswered (the card stays in the reader) and
   * `onHeld` is called: a harness uses the moment to restart pcscd with that command in flight.
   */
  holdOnNextSignature(onHeld: () => void): void;
  readonly inserted: boolean;
}

type AfterAnswer = { match: Required<CommandMatch>; seen: number } & (
  { kind: 'lift'; awayMs: number; replacement?: NamedCard } | { kind: 'reset' }
);

export function createVpcdCardServer(options: { port: number; host?: string; connectTimeoutMs?: number }): VpcdCardServer {
  let card: SmartCard | undefined;
  let name = 'card';
  let connection: VpcdConnection | undefined;
  let generation = 0;
  let pullOnSign = false;
  let holdOnSign: (() => void) | undefined;
  let fault: CardFault | undefined;
  let afterAnswer: AfterAnswer[] = [];
  let commandLog: ReceivedCommand[] = [];
  const isSignature = (command: Uint8Array) => command[0] === 0x80 && command[1] === 0x2a;

  /** The card leaves the field: it loses power at once, whatever the reader has noticed yet. */
  const lift = (target: SmartCard, attempt: VpcdConnection, plan: Extract<AfterAnswer, { kind: 'lift' }>) => {
    const away = ++generation;
    const back = plan.replacement ?? { card: target, name };
    card = undefined;
    connection = undefined;
    target.powerOff();
    void attempt
      .remove()
      .then(() => new Promise((r) => setTimeout(r, plan.awayMs)))
      .then(() => {
        if (generation !== away) return undefined; // removed or replaced by hand meanwhile
        card = back.card;
        name = back.name;
        fault = undefined;
        return attach(back.card, ++generation);
      })
      .catch(() => undefined);
  };

  const answered = (target: SmartCard, attempt: VpcdConnection, command: Uint8Array) => {
    for (const p of afterAnswer) if (p.match.ins === command[1]) p.seen++;
    const plan = afterAnswer.find((p) => p.seen === p.match.nth);
    if (!plan) return;
    afterAnswer = afterAnswer.filter((p) => p !== plan);
    if (plan.kind === 'reset') target.reset();
    else lift(target, attempt, plan);
  };

  const attach = async (target: SmartCard, myGeneration: number): Promise<void> => {
    const deadline = Date.now() + (options.connectTimeoutMs ?? 10_000);
    for (;;) {
      if (myGeneration !== generation) return;
      const attempt: VpcdConnection = connectToVpcd(target, {
        port: options.port,
        ...(options.host ? { host: options.host } : {}),
        onCommand: (command) => {
          commandLog.push({
            card: name,
            header: hex(command.subarray(0, 4)),
            length: command.length,
            ...(command.length === 5 ? { le: command[4] } : {}),
          });
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
        onAnswered: (command) => {
          if (myGeneration === generation) answered(target, attempt, command);
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
      name = insertOptions?.name ?? 'card';
      fault = insertOptions?.fault;
      await attach(next, ++generation);
    },
    async remove() {
      generation++;
      card = undefined;
      afterAnswer = [];
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
    liftAfter(match, liftOptions) {
      afterAnswer.push({ match: { nth: 1, ...match }, seen: 0, kind: 'lift', ...liftOptions });
    },
    resetAfter(match) {
      afterAnswer.push({ match: { nth: 1, ...match }, seen: 0, kind: 'reset' });
    },
    takeCommandLog() {
      const taken = commandLog;
      commandLog = [];
      return taken;
    },
    get inserted() {
      return card !== undefined;
    },
  };
}
