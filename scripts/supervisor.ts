/**
 * Runs the demo's processes: spawns them from the repository root, forwards their stderr as log
 * lines, waits until each is ready, and stops them all (SIGTERM, then SIGKILL after 5 s).
 * It knows nothing about the demo's world; demo-world.ts prepares that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { repoRoot } from './repo-root.js';

type Log = (line: string) => void;

/** The processes started for one system, stopped together. */
export class Supervisor {
  private readonly children: ChildProcess[] = [];

  constructor(private readonly log: Log) {}

  /** A TypeScript entry point run by this Node with tsx; stdout stays readable for readiness lines. */
  spawnTs(name: string, file: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.supervise(name, child);
  }

  /** Another program (the Electron binary); only its stderr is kept. */
  spawnBinary(name: string, binary: string, args: string[]): ChildProcess {
    const child = spawn(binary, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    return this.supervise(name, child);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.children.map((c) => stopChild(c)));
  }

  private supervise(name: string, child: ChildProcess): ChildProcess {
    createInterface({ input: child.stderr! }).on('line', (line) => this.log(`[${name}] ${line}`));
    this.children.push(child);
    return child;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resolves with the first capture group of the first stdout line matching `pattern`. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before printing ${pattern}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}

/** Resolves once 127.0.0.1:`port` accepts a connection; fails early if `child` exits first. */
export async function waitForPort(name: string, port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Ctrl-C or a service manager's SIGTERM stops the children before this process exits. */
export function stopOnSignals(stop: () => Promise<void>): void {
  const onSignal = () => void stop().then(() => process.exit(0));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
