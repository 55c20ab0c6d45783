/**
 * A real PC/SC stack for tests: pcscd (with Debian's vsmartcard-vpcd readers) plus a virtual card
 * process, each started by pid and stopped by pid.
 *
 * Where it can (root, `unshare`), everything runs in a private mount + network namespace:
 * - the network namespace keeps vpcd's 0.0.0.0 listener off the network and lets us switch on
 *   quickack on loopback, which removes Debian vpcd's ~44 ms Nagle/delayed-ACK stall per APDU;
 * - the mount namespace gives pcscd a private /run/pcscd (bind-mounted from the rig's directory),
 *   so the rig never meets another pcscd on the machine. Clients outside reach it through
 *   PCSCLITE_CSOCK_NAME=<rig dir>/run/pcscd.comm (libpcsclite reads it once per process).
 * Without `unshare` it falls back to the system path /run/pcscd and says so (`isolated: false`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { CardFault, PhoneConfirmation, ReceivedCommand } from '@madoguchi/card-sim';

const repoRoot = resolve(import.meta.dirname, '../..');
const testPkiCli = join(repoRoot, 'packages/card-sim/src/cli/test-pki.ts');

export interface PcscRigOptions {
  /** A demo-card state directory (ensureDemoCards) holding the cards to insert. */
  cardStateDir: string;
  /** Private network namespace with quickack on loopback (default true). */
  quickack?: boolean;
  /** pcscd -d -a: log every APDU to <dir>/pcscd.log. */
  debug?: boolean;
}

export interface PcscRig {
  dir: string;
  /** What PCSCLITE_CSOCK_NAME must be for clients (libpcsclite, pcsclite, OpenSC tools). */
  socketPath: string;
  /** process.env plus PCSCLITE_CSOCK_NAME, for child processes. */
  env: NodeJS.ProcessEnv;
  isolated: boolean;
  quickack: boolean;
  /** With `fault`, the card misbehaves on every command (a 61 FF loop, or no answer at all). */
  insert(cardId: string, options?: { fault?: CardFault; phone?: PhoneConfirmation }): Promise<void>;
  remove(): Promise<void>;
  /** The next signature command pulls the card before it answers. */
  removeOnNextSignature(): Promise<void>;
  /**
   * After answering the `nth` command with instruction byte `ins` the card leaves the reader, and
   * after `awayMs` comes back — or `replacementCardId` is placed instead (vpcd-card-server.ts).
   */
  liftAfter(command: { ins: number; nth: number }, awayMs: number, replacementCardId?: string): Promise<void>;
  /** After answering that command the card resets (selected file and verified PIN gone); the reader notices nothing. */
  resetAfter(command: { ins: number; nth: number }): Promise<void>;
  /** The command headers, lengths and case-2 Le (never their data) each card received since the last call. */
  takeCommandLog(): Promise<ReceivedCommand[]>;
  /** Kills pcscd (SIGTERM, by pid) and starts a new one; the card comes back by itself. */
  restartPcscd(): Promise<void>;
  /**
   * Arms a restart with a command in flight: the next signature command reaches the card, which
   * holds it unanswered (it stays in the reader), and pcscd is then killed (by pid) and started
   * again. `done` resolves once the new pcscd listens, with the time just before the kill.
   */
  restartPcscdOnNextSignature(): Promise<{ done: Promise<{ killedAt: number }> }>;
  /** pcscd down / up separately (the "reader gone" state in between). */
  stopPcscdOnly(): Promise<void>;
  startPcscdOnly(): Promise<void>;
  /** Kills the card process and starts a fresh one (state is only what the card's files hold). */
  restartCardProcess(): Promise<void>;
  stop(): Promise<void>;
}

const SYSTEM_SOCKET = '/run/pcscd/pcscd.comm';

export async function startPcscRig(options: PcscRigOptions): Promise<PcscRig> {
  const dir = mkdtempSync(join(tmpdir(), 'pcsc-rig-'));
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  const wantQuickack = options.quickack ?? true;
  let holder: ChildProcess | undefined;
  let isolated = false;

  if (canUnshare()) {
    mkdirSync('/run/pcscd', { recursive: true }); // the mount point, on the host
    const setup = [
      'mount --make-rprivate /',
      `mount --bind ${runDir} /run/pcscd`,
      'ip link set lo up',
      // Both local routes: on newer kernels the /32 host route for 127.0.0.1 wins over the /8 one.
      ...(wantQuickack
        ? [
            'ip route replace local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1',
            'ip route replace local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 quickack 1',
          ]
        : []),
      'echo up',
      'exec sleep infinity',
    ].join(' && ');
    holder = spawn('unshare', ['--mount', '--net', 'sh', '-c', setup], { stdio: ['ignore', 'pipe', 'inherit'] });
    isolated = await new Promise<boolean>((resolvePromise) => {
      holder!.stdout!.once('data', () => resolvePromise(true));
      holder!.once('exit', () => resolvePromise(false));
    });
  }
  if (!isolated && existsSync(SYSTEM_SOCKET)) throw new Error('pcsc rig: no namespaces and a system pcscd is already running');
  const socketPath = isolated ? join(runDir, 'pcscd.comm') : SYSTEM_SOCKET;
  const env = { ...process.env, PCSCLITE_CSOCK_NAME: socketPath };
  const inNamespace = (command: string[]): [string, string[]] =>
    isolated ? ['nsenter', ['-t', String(holder!.pid), '-m', '-n', `--wd=${repoRoot}`, '--', ...command]] : [command[0]!, command.slice(1)];

  let pcscd: ChildProcess | undefined;
  const startPcscd = async () => {
    const log = openSync(join(dir, 'pcscd.log'), 'a');
    // Foreground, never --auto-exit: the vpcd listener must stay while the test is idle.
    const [cmd, args] = inNamespace(['pcscd', '-f', ...(options.debug ? ['-d', '-a'] : [])]);
    pcscd = spawn(cmd, args, { stdio: ['ignore', log, log] });
    await waitFor(() => existsSync(socketPath), 5000, 'pcscd socket');
  };
  const stopPcscd = async () => {
    if (!pcscd) return;
    await stopProcess(pcscd);
    pcscd = undefined;
    await waitFor(() => !existsSync(socketPath), 3000, 'pcscd socket removal').catch(() => undefined);
  };

  let card: { process: ChildProcess; lines: Interface; next: () => Promise<string>; onEvent: (event: string) => void } | undefined;
  let insertedCard: string | undefined;
  const startCardProcess = async () => {
    const [cmd, args] = inNamespace([process.execPath, '--import', 'tsx', testPkiCli, 'serve-vpcd', options.cardStateDir]);
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: repoRoot });
    const lines = createInterface({ input: child.stdout! });
    const queue: string[] = [];
    const waiters: ((line: string) => void)[] = [];
    lines.on('line', (line) => {
      // "event …" lines are asynchronous notices from the card, not replies to a command.
      if (line.startsWith('event ')) return card?.onEvent(line.slice('event '.length));
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    });
    const next = () =>
      new Promise<string>((resolveLine) => {
        const line = queue.shift();
        if (line !== undefined) resolveLine(line);
        else waiters.push(resolveLine);
      });
    card = { process: child, lines, next, onEvent: (event) => events.emit(event) };
    const first = await withTimeout(next(), 30_000, 'card process start');
    if (first !== 'ready') throw new Error(`card process: ${first}`);
  };
  const events = new EventEmitter();
  const command = async (line: string) => {
    if (!card) throw new Error('card process not running');
    card.process.stdin!.write(`${line}\n`);
    const answer = await withTimeout(card.next(), 15_000, `card command ${line}`);
    if (!answer.startsWith('ok')) throw new Error(`card process: ${answer}`);
    return answer;
  };
  const ins = (command: { ins: number; nth: number }) => `${command.ins.toString(16).padStart(2, '0')} ${command.nth}`;

  const stop = async () => {
    if (card) {
      card.process.stdin!.end();
      await stopProcess(card.process);
      card = undefined;
    }
    await stopPcscd();
    if (holder) await stopProcess(holder);
  };

  try {
    await startPcscd();
    await startCardProcess();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    dir,
    socketPath,
    env,
    isolated,
    quickack: isolated && wantQuickack,
    async insert(cardId, insertOptions) {
      const phone = insertOptions?.phone ? `phone=${insertOptions.phone.answer}:${insertOptions.phone.afterMs}` : undefined;
      const option = insertOptions?.fault ?? phone;
      await command(option ? `insert ${cardId} ${option}` : `insert ${cardId}`);
      insertedCard = cardId;
    },
    async remove() {
      await command('remove');
      insertedCard = undefined;
    },
    removeOnNextSignature: () => command('remove-on-sign').then(() => undefined),
    liftAfter: (after, awayMs, replacementCardId) =>
      command(`lift-after ${ins(after)} ${awayMs}${replacementCardId ? ` ${replacementCardId}` : ''}`).then(() => undefined),
    resetAfter: (after) => command(`reset-after ${ins(after)}`).then(() => undefined),
    takeCommandLog: async () => JSON.parse((await command('commands')).slice('ok commands '.length)) as ReceivedCommand[],
    async restartPcscd() {
      await stopPcscd();
      await startPcscd();
    },
    async restartPcscdOnNextSignature() {
      const held = new Promise<void>((resolveHeld) => events.once('sign-held', () => resolveHeld()));
      await command('hold-on-sign');
      const done = held.then(async () => {
        const killedAt = Date.now();
        await stopPcscd();
        await startPcscd();
        return { killedAt };
      });
      done.catch(() => undefined); // the caller awaits it; never an unhandled rejection meanwhile
      return { done };
    },
    stopPcscdOnly: () => stopPcscd(),
    startPcscdOnly: () => startPcscd(),
    async restartCardProcess() {
      if (card) {
        card.process.stdin!.end();
        await stopProcess(card.process);
      }
      await startCardProcess();
      if (insertedCard) await command(`insert ${insertedCard}`);
    },
    stop,
  };
}

function canUnshare(): boolean {
  // MADOGUCHI_PCSC_RIG_NO_NAMESPACE=1 exercises the fallback on a machine that has namespaces.
  if (process.env.MADOGUCHI_PCSC_RIG_NO_NAMESPACE === '1' || process.getuid?.() !== 0) return false;
  return spawnSync('unshare', ['--mount', '--net', 'true'], { stdio: 'ignore' }).status === 0;
}

/** SIGTERM by pid, SIGKILL after 3 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
