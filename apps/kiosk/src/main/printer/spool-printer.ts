/**
 * The print path. Each job is keyed by its own issue number from the start: the spool file name is
 * derived from the issuance id and copy index, written to a temporary name and renamed into place,
 * and created exclusively — there is no "next file in the directory" to pick up by mistake
 * (misissuance.md: Yokohama). A real store printer sits behind the same interface (CUPS: lp).
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export interface PrintJob {
  issuanceId: string;
  copyIndex: number;
  issueNumber: string;
  pdf: Uint8Array;
}

export interface Printer {
  print(job: PrintJob): Promise<{ jobId: string; path?: string }>;
}

export class SpoolPrinter implements Printer {
  constructor(private readonly spoolDir: string) {}

  async print(job: PrintJob): Promise<{ jobId: string; path: string }> {
    await mkdir(this.spoolDir, { recursive: true });
    const jobId = `${job.issuanceId}-${String(job.copyIndex).padStart(2, '0')}`;
    if (!/^[0-9a-f-]+-\d{2}$/.test(jobId)) throw new Error('unsafe job id');
    const target = join(this.spoolDir, `${jobId}.pdf`);
    const temp = join(this.spoolDir, `.${jobId}.${randomUUID()}.part`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(job.pdf);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Refuse to overwrite: a second print of the same job id is a bug, never a silent replace.
    const exists = await open(target, 'r').then(async (h) => (await h.close(), true), () => false);
    if (exists) {
      await rm(temp, { force: true });
      throw new Error(`spool file for ${jobId} already exists`);
    }
    await rename(temp, target);
    return { jobId, path: target };
  }
}
