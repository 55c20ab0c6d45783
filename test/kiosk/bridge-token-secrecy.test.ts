/**
 * Outside the demo, the browser kiosk's bridge token (whoever holds it drives the kiosk) appears on
 * no process's command line — world-readable in /proc — and in no output of the processes the host
 * starts. The real host is started as a production kiosk would start it (PC/SC reader, no demo),
 * with Debian's Chromium (headless) as its browser; Chromium must still reach the kiosk with the
 * token, through the 0600 launch page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let host: ChildProcess | undefined;
let workDir: string | undefined;
afterAll(() => {
  if (host && host.exitCode === null) host.kill('SIGKILL');
  // After a failure: whatever this test's Chromium left (its profile is under our directory).
  for (const { pid } of allCommandLines().filter(({ cmdline }) => workDir && cmdline.includes(workDir))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

function waitFor(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolvePromise();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

/** Every readable /proc/<pid>/cmdline on the machine, NULs as spaces. */
function allCommandLines(): { pid: string; cmdline: string }[] {
  const out: { pid: string; cmdline: string }[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      out.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`).toString('utf8').replace(/\0/g, ' ') });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

describe('browser kiosk outside the demo', () => {
  it('keeps the bridge token off every command line and out of every output, yet Chromium reaches the kiosk', async () => {
    expect(existsSync(chromium), `${chromium} is needed for this test`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-token-'));
    workDir = dir;
    // A stand-in renderer that does what the real one does with the token: opens the view stream.
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title><script src="probe.js"></script>');
    writeFileSync(
      join(rendererDir, 'probe.js'),
      "new EventSource('/bridge/events?token=' + encodeURIComponent(new URL(location.href).searchParams.get('token')));",
    );
    // The kiosk's browser, headless here: the host passes it exactly the arguments it gives Chromium.
    const browser = join(dir, 'chromium-headless');
    writeFileSync(browser, `#!/bin/sh\nexec ${chromium} --headless=new --disable-gpu --no-sandbox "$@"\n`);
    chmodSync(browser, 0o755);
    // The center is never called: the host only needs its client files to start.
    for (const file of ['cert.pem', 'key.pem', 'ca.pem']) writeFileSync(join(dir, file), '');
    const configPath = join(dir, 'kiosk.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        center: {
          baseUrl: 'https://127.0.0.1:9',
          certFile: join(dir, 'cert.pem'),
          keyFile: join(dir, 'key.pem'),
          caFile: join(dir, 'ca.pem'),
        },
        spoolDir: join(dir, 'spool'),
        stateDir: join(dir, 'state'),
        reader: { kind: 'pcsc' },
        rendererDir,
        browserBinary: browser,
      }),
    );
    const hostTmp = join(dir, 'tmp');
    mkdirSync(hostTmp);

    let output = '';
    host = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/kiosk/src/browser-host/start.ts'), '--config', configPath], {
      cwd: repoRoot,
      // A display is what makes the host open its browser; headless Chromium does not use it.
      env: { ...process.env, DISPLAY: process.env.DISPLAY ?? ':99', TMPDIR: hostTmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    host.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    host.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

    await waitFor(() => /KIOSK_(ORIGIN|URL)=/.test(output), 'the host to listen', 60_000);
    // Not the whole URL: its ?token= would sit in any supervisor's log.
    expect(output).not.toMatch(/KIOSK_URL=|token=/);
    const origin = /KIOSK_ORIGIN=(\S+)/.exec(output)![1]!;
    // Chromium followed the launch page to the kiosk and presented the token.
    await waitFor(() => output.includes('renderer connected'), 'Chromium to reach the kiosk', 60_000);

    // The token, from the only place it was written: the launch page, the kiosk user's alone.
    const launchDirs = readdirSync(hostTmp).filter((name) => name.startsWith('madoguchi-kiosk-launch-'));
    expect(launchDirs).toHaveLength(1);
    const launchDir = join(hostTmp, launchDirs[0]!);
    expect(statSync(launchDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(launchDir, 'launch.html')).mode & 0o777).toBe(0o600);
    const token = /[?&]token=([\w-]+)/.exec(readFileSync(join(launchDir, 'launch.html'), 'utf8'))![1]!;
    expect((await fetch(`${origin}/bridge/view`, { headers: { 'x-kiosk-token': token } })).status).toBe(200);

    const commandLines = allCommandLines();
    // The scan saw the browser the host started (with the launch page, not the kiosk URL).
    expect(commandLines.some(({ cmdline }) => cmdline.includes('chromium') && cmdline.includes('--app=file://'))).toBe(true);
    expect(commandLines.filter(({ cmdline }) => cmdline.includes(token))).toEqual([]);
    expect(output).not.toContain(token);

    const exited = new Promise((r) => host!.once('exit', r));
    host.kill('SIGTERM');
    await exited;
    expect(output).not.toContain(token);
    // The launch page and the browser go with the host.
    expect(existsSync(launchDir)).toBe(false);
    expect(allCommandLines().filter(({ cmdline }) => cmdline.includes(dir))).toEqual([]);
  });
});
