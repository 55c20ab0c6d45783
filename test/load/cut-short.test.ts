/**
 * A load run cut short still reports (docs/load.md#cut-short): at its time limit (`--max-minutes`) or on
 * SIGINT it starts no new journey, lets those in flight finish, runs the document check and the
 * invariants on what was done, prints every verdict marked cut short and exits 2 (1 on a failed check).
 * Before this, a stopped run printed nothing: the checks ran only at the end of the whole size.
 *
 * Each run is run.ts as its own process, as scripts/load.sh runs it, at a size 4 kiosks cannot finish
 * (2,000 issuances), on a 300-resident world, the mixed load only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** run.ts with the tiny size and `extra`; `onLine` sees each stderr line (the run's log) and may signal the process. */
function runLoadProcess(extra: string[], onLine?: (line: string, signal: (s: NodeJS.Signals) => void) => void): Promise<Finished> {
  const out = mkdtempSync(join(tmpdir(), 'madoguchi-cut-short-'));
  dirs.push(out);
  const args = ['--kiosks', '4', '--kiosks-per-process', '4', '--issuances', '2000', '--residents', '300', '--municipalities', '3'];
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/load/run.ts', ...args, '--scenario', 'load', '--out', out, ...extra], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine?.(line, (s) => child.kill(s));
  });
  return new Promise((resolveRun) => child.on('exit', (code) => resolveRun({ code, stdout, stderr })));
}

/** What every cut-short run must show: marked so, each check run on what was done, every check passing. */
function expectReportedCutShort(run: Finished, reason: RegExp): void {
  const account = `${run.stdout}\n--- log ---\n${run.stderr.slice(-4000)}`;
  const cut = /^CUT SHORT \((.+?)\) after (\d+) s of journeys: (\d+) of 2000 issuances printed/m.exec(run.stdout);
  expect(cut, account).not.toBeNull();
  expect(cut![1], account).toMatch(reason);
  const printed = Number(cut![3]);
  // Something was done, and far from all of it.
  expect(printed, account).toBeGreaterThan(0);
  expect(printed, account).toBeLessThan(2000);
  // The document check ran on every copy printed, the invariants on the database, the load's verdict on its journeys.
  const checked = /^documents checked: (\d+), passed (\d+), failed (\d+)$/m.exec(run.stdout);
  expect(checked, account).not.toBeNull();
  expect(Number(checked![1]), account).toBeGreaterThanOrEqual(printed);
  expect(Number(checked![3]), account).toBe(0);
  expect(run.stdout, account).toMatch(/^invariants: all hold$/m);
  expect(run.stdout, account).toMatch(/^scenario load: PASS — \d+ journeys: \d+ printed/m);
  expect(run.stdout, account).toMatch(/^LOAD RUN CUT SHORT: every check passed on what was done$/m);
  expect(run.code, account).toBe(2);
}

describe('a load run cut short', () => {
  it('at --max-minutes starts no new journey, lets those in flight finish and prints every verdict', async () => {
    // 0.15 min = 9 s of journeys: 4 kiosks print a few dozen of the 2,000.
    const run = await runLoadProcess(['--max-minutes', '0.15']);
    expectReportedCutShort(run, /^time limit of 0\.15 min$/);
    expect(run.stderr).toMatch(/time limit: 0\.15 min of journeys; none starts now/);
  }, 150_000);

  it('on SIGINT does the same, and says it was interrupted', async () => {
    let sent = false;
    const run = await runLoadProcess([], (line, signal) => {
      // A few seconds into the load, as a hand in the terminal would.
      if (!sent && /^\s+load: started/.test(line)) {
        sent = true;
        setTimeout(() => signal('SIGINT'), 5_000);
      }
    });
    expect(sent, run.stderr.slice(-4000)).toBe(true);
    expectReportedCutShort(run, /^SIGINT$/);
  }, 150_000);
});
