/**
 * Kiosk enrollment CLI (operators).
 *
 *   tsx apps/center/src/cli/kiosk.ts enroll --csr kiosk.csr.pem --terminal-id T0001 --printer-id P01 \
 *       --store-code S001 --store-name "…店" [--out kiosk.cert.pem]
 *   tsx apps/center/src/cli/kiosk.ts revoke --terminal-id T0001
 *   tsx apps/center/src/cli/kiosk.ts list
 *   tsx apps/center/src/cli/kiosk.ts make-csr --terminal-id T0001 --dir DIR   (a kiosk-side key + CSR, for setup and demos)
 *
 * The kiosk CA lives in the center's state directory (--state or MADOGUCHI_CENTER_STATE) and is made
 * by the center's first start, never here: enrolling against a CA the center does not trust would
 * hand out certificates that fail. The database is opened like every operator CLI's
 * (cli-database.ts: --database / MADOGUCHI_DATABASE_URL, existing and migrated only, --migrate).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CenterDatabase } from '../db/database.js';
import { createKioskKeyAndCsr, ensureKioskCa, type KioskCa } from '../kiosks/kiosk-ca.js';
import { enrollKiosk, listKiosks, revokeKiosk } from '../kiosks/registry.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

/** The CLI as a commander program writing to `io` (tests run it in-process). */
export function kioskProgram(io: CliIo): Command {
  const program = withDatabaseOptions(
    new Command('madoguchi-kiosk').description('Enrol and revoke kiosks (mutual-TLS client certificates)'),
  );
  const withDatabase = <T>(fn: (database: CenterDatabase) => Promise<T>) => withCliDatabase(program.opts<DatabaseOptions>(), fn);
  const kioskCaDir = () => join(program.opts<DatabaseOptions>().state, 'kiosk-ca');
  const existingKioskCa = (): KioskCa => {
    const dir = kioskCaDir();
    if (!existsSync(join(dir, 'kiosk-ca.cert.pem')))
      throw new Error(
        `no kiosk CA in ${dir}: give the center's state directory (--state or MADOGUCHI_CENTER_STATE); ` +
          'the center makes its CA on first start',
      );
    return ensureKioskCa(dir);
  };

  program
    .command('enroll')
    .requiredOption('--csr <file>', 'the kiosk’s certificate signing request (PEM)')
    .requiredOption('--terminal-id <id>')
    .requiredOption('--printer-id <id>')
    .requiredOption('--store-code <code>')
    .requiredOption('--store-name <name>')
    .option('--out <file>', 'where to write the client certificate (default: stdout)')
    .option('--days <n>', 'validity in days', '825')
    .action(
      async (opts: {
        csr: string;
        terminalId: string;
        printerId: string;
        storeCode: string;
        storeName: string;
        out?: string;
        days: string;
      }) => {
        const ca = existingKioskCa();
        const enrollment = await withDatabase((database) =>
          enrollKiosk(database, ca, {
            csrPem: readFileSync(opts.csr, 'utf8'),
            terminalId: opts.terminalId,
            printerId: opts.printerId,
            storeCode: opts.storeCode,
            storeName: opts.storeName,
            days: Number(opts.days),
          }),
        );
        if (opts.out) {
          writeFileSync(opts.out, enrollment.certificatePem);
          io.out(
            `enrolled ${enrollment.kiosk.terminalId}: ${opts.out} (sha256 ${enrollment.certificateSha256}, until ${enrollment.notAfter})\n`,
          );
        } else {
          io.out(enrollment.certificatePem);
        }
      },
    );

  program
    .command('revoke')
    .requiredOption('--terminal-id <id>')
    .action(async (opts: { terminalId: string }) => {
      const revoked = await withDatabase((database) => revokeKiosk(database, opts.terminalId));
      io.out(revoked ? `revoked ${opts.terminalId}\n` : `${opts.terminalId} is unknown or already revoked\n`);
      io.setExitCode(revoked ? 0 : 1);
    });

  program.command('list').action(async () => {
    const kiosks = await withDatabase((database) => listKiosks(database));
    for (const k of kiosks)
      io.out(`${k.terminalId}\t${k.printerId}\t${k.storeCode}\t${k.storeName}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`);
  });

  program
    .command('make-csr')
    .requiredOption('--terminal-id <id>')
    .requiredOption('--dir <dir>')
    .action((opts: { terminalId: string; dir: string }) => {
      const made = createKioskKeyAndCsr(opts.dir, opts.terminalId);
      io.out(`key ${made.keyPath}\ncsr ${made.csrPath}\nkiosk CA for the kiosk to pin: ${join(kioskCaDir(), 'kiosk-ca.cert.pem')}\n`);
    });
  return program;
}

if (isMain(import.meta.url)) void runProgram(kioskProgram, process.argv.slice(2));
