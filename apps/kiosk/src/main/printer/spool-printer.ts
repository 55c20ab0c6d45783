/**
 * The print path. Each job is keyed by its own issue number from the start: the spool file name is
 * derived from the issuance id and copy index, written to a temporary name and linked into place,
 * and created exclusively — there is no "next file in the directory" to pick up by mistake
 * (docs/misissuance.md#yokohama). A store's printer sits behind the same interface (cups-printer.ts).
 *
 * A spooled PDF carries a resident's name and address, sometimes a My Number or a whole 戸籍, so
 * nothing of it outlives its print: the file is deleted as soon as the result is known (`release`
 * after a print; a failed print removes its own files), the directory is the kiosk user's alone
 * (0700, files 0600), a spool path that is a symbolic link is refused (it could point the
 * certificates somewhere others read), and whatever a crash left behind is swept at start.
 */
import { chmod, copyFile, constants, link, lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Printer, PrinterStatus, PrintJob } from './printer.js';

// Where the interface lived before the CUPS printer joined: its importers keep working.
export type { Printer, PrintJob } from './printer.js';

export interface SpoolPrinterOptions {
  /**
   * Demo only: where the demo "printer" puts the copy a real printer would hand over on paper, so a
   * developer (and the end-to-end tests) can read the printed certificate. Never set on a kiosk.
   */
  demoOutputTray?: string;
}

export class SpoolPrinter implements Printer {
  constructor(
    private readonly spoolDir: string,
    private readonly options: SpoolPrinterOptions = {},
  ) {}

  async print(job: PrintJob): Promise<{ jobId: string }> {
    const jobId = `${job.issuanceId}-${String(job.copyIndex).padStart(2, '0')}`;
    if (!isJobId(jobId)) throw new Error('unsafe job id');
    await ensurePrivateDir(this.spoolDir, 'spool directory');
    const target = join(this.spoolDir, `${jobId}.pdf`);
    const temp = join(this.spoolDir, `.${jobId}.${randomUUID()}.part`);
    let placed = false;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(job.pdf);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // link() fails if the name exists: a second print of the same job id is a bug, never a
      // silent replace (and no window between a check and a rename).
      await link(temp, target).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? new Error(`spool file for ${jobId} already exists`) : error;
      });
      placed = true;
      if (this.options.demoOutputTray) await this.toDemoOutputTray(target, jobId);
      return { jobId };
    } catch (error) {
      if (placed) await rm(target, { force: true });
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async release(jobId: string): Promise<void> {
    if (!isJobId(jobId)) throw new Error('unsafe job id');
    await rm(join(this.spoolDir, `${jobId}.pdf`), { force: true });
  }

  /** The demo's printer is ready whenever its spool directory is usable. */
  async status(): Promise<PrinterStatus> {
    try {
      await ensurePrivateDir(this.spoolDir, 'spool directory');
      return { canPrint: true, reasons: [] };
    } catch {
      return { canPrint: false, reasons: ['offline'] };
    }
  }

  /** At start, before the first job: removes what a crash left (a `.part` mid-write, an unreleased PDF). Returns how many. */
  async sweepLeftovers(): Promise<number> {
    await ensurePrivateDir(this.spoolDir, 'spool directory');
    let removed = 0;
    for (const entry of await readdir(this.spoolDir, { withFileTypes: true })) {
      if (entry.isDirectory()) continue; // not something this printer writes
      await rm(join(this.spoolDir, entry.name), { force: true });
      removed++;
    }
    return removed;
  }

  private async toDemoOutputTray(spooled: string, jobId: string): Promise<void> {
    const tray = this.options.demoOutputTray!;
    await ensurePrivateDir(tray, 'demo output tray');
    const copy = join(tray, `${jobId}.pdf`);
    await copyFile(spooled, copy, constants.COPYFILE_EXCL);
    await chmod(copy, 0o600);
  }
}

const isJobId = (jobId: string) => /^[0-9a-f-]+-\d{2}$/.test(jobId);

/** Creates `dir` 0700 or tightens it to 0700; refuses a symbolic link or anything not a directory. */
async function ensurePrivateDir(dir: string, what: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink()) throw new Error(`${what} ${dir} is a symbolic link: refusing to write certificates through it`);
  if (!info.isDirectory()) throw new Error(`${what} ${dir} is not a directory`);
  if ((info.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
}
