/**
 * Kiosk enrollment CLI (operators).
 *
 *   tsx apps/center/src/cli/kiosk.ts enroll --csr kiosk.csr.pem --terminal-id T0001 --printer-id P01 \
 *       --store-code S001 --store-name "…店" --chain asahi-mart [--out kiosk.cert.pem]
 *   tsx apps/center/src/cli/kiosk.ts revoke --terminal-id T0001
 *   tsx apps/center/src/cli/kiosk.ts list [--silent]     (the fleet: chain, store, last seen in JST, state, version)
 *   tsx apps/center/src/cli/kiosk.ts chains               (store chains)
 *   tsx apps/center/src/cli/kiosk.ts add-chain --code asahi-mart --name "あさひマート"
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
import { fleetList } from '../kiosks/fleet-view.js';
import { enrollKiosk, revokeKiosk } from '../kiosks/registry.js';
import { createStoreChain, listStoreChains } from '../kiosks/store-chains.js';
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
    .option('--chain <code>', 'the store chain (an existing one: see `chains`, `add-chain`)')
    .option('--out <file>', 'where to write the client certificate (default: stdout)')
    .option('--days <n>', 'validity in days', '825')
    .action(
      async (opts: {
        csr: string;
        terminalId: string;
        printerId: string;
        storeCode: string;
        storeName: string;
        chain?: string;
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
            ...(opts.chain !== undefined ? { chainCode: opts.chain } : {}),
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

  addFleetCommands(program, io, withDatabase);

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

const FLEET_COLUMNS = [
  'terminal',
  'chain',
  'store',
  'store name',
  'last seen',
  'state',
  'printer',
  'reader',
  'cash',
  'version',
  'last issuance',
];

/** The fleet as operators read it, and the store chains kiosks are enrolled into. */
function addFleetCommands(
  program: Command,
  io: CliIo,
  withDatabase: <T>(fn: (database: CenterDatabase) => Promise<T>) => Promise<T>,
): void {
  program
    .command('list')
    .description('every kiosk: chain, store, last heartbeat (JST), state, printer/reader/cash, version, last issuance')
    .option('--silent', 'only kiosks whose last heartbeat is older than 5 minutes')
    .action(async (opts: { silent?: boolean }) => {
      const { kiosks } = await withDatabase((database) => fleetList(database, opts.silent ? { silentOnly: 'true' } : {}, new Date()));
      io.out(FLEET_COLUMNS.join('\t') + '\n');
      for (const k of kiosks)
        io.out(
          [k.terminalId, k.chainCode ?? '-', k.storeCode, k.storeName, jst(k.lastSeenAt), k.condition, k.printer ?? '-', k.reader ?? '-']
            .concat([k.cash ?? '-', k.softwareVersion ?? '-', jst(k.lastIssuanceAt)])
            .join('\t') + '\n',
        );
    });

  program.command('chains').action(async () => {
    const chains = await withDatabase((database) => listStoreChains(database.db));
    for (const c of chains) io.out(`${c.chainCode}\t${c.name}\n`);
  });

  program
    .command('add-chain')
    .requiredOption('--code <code>', 'the chain code billing and filters key on: 2-40 of a-z 0-9 -')
    .requiredOption('--name <name>')
    .action(async (opts: { code: string; name: string }) => {
      const chain = await withDatabase((database) => createStoreChain(database, { chainCode: opts.code, name: opts.name }, new Date()));
      io.out(`added store chain ${chain.chainCode}\n`);
    });
}

/** An instant as Japan time, minutes only (kiosks and stores are in Japan); `-` for none. */
function jst(instant: string | null): string {
  if (!instant) return '-';
  return `${new Date(Date.parse(instant) + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} JST`;
}

if (isMain(import.meta.url)) void runProgram(kioskProgram, process.argv.slice(2));
