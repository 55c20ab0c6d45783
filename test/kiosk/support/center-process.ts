/**
 * A center as a deployment runs it: `apps/center/src/server.ts` in its own process, configured by
 * the environment, on a port of its own (0: any free one; a restarted center takes its old port
 * back, as a restarted server behind a fixed address does). Killed with SIGKILL to play a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CenterHarness } from '../../center/support/center-harness.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface CenterProcess {
  child: ChildProcess;
  /** https://127.0.0.1:<port> */
  baseUrl: string;
  port: number;
}

/**
 * The environment of a center process sharing the harness's state directory (its kiosk CA, binding key)
 * and its PostgreSQL database, trusting the harness's test card PKI, quiet, with one render worker.
 */
export function centerProcessEnv(center: CenterHarness, connectionString: string): Record<string, string> {
  return {
    MADOGUCHI_CENTER_STATE: center.state.dir,
    MADOGUCHI_DATABASE_URL: connectionString,
    MADOGUCHI_CARD_TRUST_ANCHORS: center.pki.paths.trustedCasPem,
    MADOGUCHI_CARD_CRLS: center.pki.paths.crlsPem,
    MADOGUCHI_LOG_LEVEL: 'warn',
    MADOGUCHI_RENDER_WORKERS: '1',
  };
}

/** Starts a center and resolves once it says it is listening (90 s at most: tsx compiles it first). */
export function startCenterProcess(env: Record<string, string>, port = 0): Promise<CenterProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/center/src/server.ts', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('center process did not start in 90 s'));
    }, 90_000);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`center process exited with ${code ?? signal}: ${stderr.slice(-500)}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (https:\/\/[^/\s]+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, baseUrl: match[1]!, port: Number(new URL(match[1]!).port) });
      }
    });
  });
}

/** SIGKILL, as a crash or a power cut ends a process: no graceful close, no answer finished. */
export function killCenterProcess(center: CenterProcess): Promise<void> {
  const { child } = center;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise());
    child.kill('SIGKILL');
  });
}

/** SIGTERM (graceful close), SIGKILL after `killAfterMs` (15 s: a test's teardown need not wait longer). */
export function stopCenterProcess(center: CenterProcess, killAfterMs = 15_000): Promise<void> {
  const { child } = center;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
