/**
 * The spool printer keeps no certificate on the kiosk's disk: a spooled PDF is gone once its result
 * is known, a failed job leaves nothing, a crash's leftovers are swept at the next start, and the
 * directory is the kiosk user's alone. (The session's printed / failed / rejected paths are in
 * ../session/kiosk-session.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpoolPrinter, type PrintJob } from './spool-printer.js';

const workDir = () => mkdtempSync(join(tmpdir(), 'spool-printer-'));
const job = (pdf: Uint8Array = Buffer.from('%PDF-1.7 resident data')): PrintJob => ({
  issuanceId: randomUUID(),
  copyIndex: 1,
  issueNumber: 'n',
  pdf,
});
const mode = (path: string) => statSync(path).mode & 0o777;

describe('spool printer', () => {
  it('spools a job 0600 in a 0700 directory and deletes it when released', async () => {
    const spool = join(workDir(), 'spool');
    const printer = new SpoolPrinter(spool);
    const printed = job();
    const { jobId } = await printer.print(printed);
    expect(readdirSync(spool)).toEqual([`${jobId}.pdf`]);
    expect(mode(spool)).toBe(0o700);
    expect(mode(join(spool, `${jobId}.pdf`))).toBe(0o600);
    expect(readFileSync(join(spool, `${jobId}.pdf`))).toEqual(Buffer.from(printed.pdf));
    await printer.release(jobId);
    expect(readdirSync(spool)).toEqual([]);
  });

  it('tightens an existing spool directory to 0700', async () => {
    const spool = join(workDir(), 'spool');
    mkdirSync(spool, { mode: 0o755 });
    chmodSync(spool, 0o755);
    const printer = new SpoolPrinter(spool);
    await printer.release((await printer.print(job())).jobId);
    expect(mode(spool)).toBe(0o700);
  });

  it('leaves no .part file when a job fails mid-write', async () => {
    const spool = join(workDir(), 'spool');
    const printer = new SpoolPrinter(spool);
    // Not bytes: the temporary file is created, then the write throws.
    await expect(printer.print(job(42 as never))).rejects.toThrow();
    expect(readdirSync(spool)).toEqual([]);
  });

  it('leaves no spooled PDF when a job fails after it was placed', async () => {
    const dir = workDir();
    const spool = join(dir, 'spool');
    const tray = join(dir, 'tray');
    writeFileSync(tray, ''); // the demo's output tray cannot take the copy: the print fails
    const printer = new SpoolPrinter(spool, { demoOutputTray: tray });
    await expect(printer.print(job())).rejects.toThrow();
    expect(readdirSync(spool)).toEqual([]);
  });

  it('never overwrites a spooled job, and leaves only the first one', async () => {
    const spool = join(workDir(), 'spool');
    const printer = new SpoolPrinter(spool);
    const first = job(Buffer.from('first'));
    const { jobId } = await printer.print(first);
    await expect(printer.print({ ...first, pdf: Buffer.from('second') })).rejects.toThrow(/already exists/);
    expect(readdirSync(spool)).toEqual([`${jobId}.pdf`]);
    expect(readFileSync(join(spool, `${jobId}.pdf`), 'utf8')).toBe('first');
  });

  it('sweeps what a crash left (a .part mid-write and an unreleased PDF) at the next start', async () => {
    const spool = join(workDir(), 'spool');
    const before = new SpoolPrinter(spool);
    const { jobId } = await before.print(job());
    writeFileSync(join(spool, `.${randomUUID()}-01.${randomUUID()}.part`), '%PDF-1.7 half');
    // The process dies here; a new one starts on the same directory.
    const restarted = new SpoolPrinter(spool);
    expect(readdirSync(spool)).toHaveLength(2);
    expect(await restarted.sweepLeftovers()).toBe(2);
    expect(readdirSync(spool)).toEqual([]);
    expect(existsSync(join(spool, `${jobId}.pdf`))).toBe(false);
  });

  it('refuses a spool path that is a symbolic link, writing nothing through it', async () => {
    const dir = workDir();
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o755 });
    const spool = join(dir, 'spool');
    symlinkSync(elsewhere, spool);
    const printer = new SpoolPrinter(spool);
    await expect(printer.print(job())).rejects.toThrow(/symbolic link/);
    await expect(printer.sweepLeftovers()).rejects.toThrow(/symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('puts the demo copy in the output tray, 0600, while the spool empties', async () => {
    const dir = workDir();
    const spool = join(dir, 'spool');
    const tray = join(dir, 'tray');
    const printer = new SpoolPrinter(spool, { demoOutputTray: tray });
    const { jobId } = await printer.print(job());
    await printer.release(jobId);
    expect(readdirSync(spool)).toEqual([]);
    expect(readdirSync(tray)).toEqual([`${jobId}.pdf`]);
    expect(mode(join(tray, `${jobId}.pdf`))).toBe(0o600);
  });
});
