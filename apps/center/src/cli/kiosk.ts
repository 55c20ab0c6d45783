/**
 * Kiosk enrollment CLI (operators).
 *
 *   tsx apps/center/src/cli/kiosk.ts enroll --csr kiosk.csr.pem --terminal-id T0001 --printer-id P01 \
 *       --store-code S001 --store-name "…店" [--out kiosk.cert.pem]
 *   tsx apps/center/src/cli/kiosk.ts revoke --terminal-id T0001
 *   tsx apps/center/src/cli/kiosk.ts list
 *   tsx apps/center/src/cli/kiosk.ts make-csr --terminal-id T0001 --dir DIR   (a kiosk-side key + CSR, for setup and demos)
 *
 * The kiosk CA lives in the center's state directory (--state or MADOGUCHI_CENTER_STATE); the
 * database comes from MADOGUCHI_DATABASE_URL or --database.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ensureCenterState } from '../config.js';
import { databaseConfigFromEnv } from '../db/config.js';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createKioskKeyAndCsr, ensureKioskCa } from '../kiosks/kiosk-ca.js';
import { enrollKiosk, listKiosks, revokeKiosk } from '../kiosks/registry.js';

const program = new Command('madoguchi-kiosk')
  .description('Enrol and revoke kiosks (mutual-TLS client certificates)')
  .option('--state <dir>', 'center state directory', process.env.MADOGUCHI_CENTER_STATE ?? '.madoguchi/center')
  .option('--database <url>', 'SQLite path or postgres:// URL');

async function withDatabase<T>(fn: (database: CenterDatabase, stateDir: string) => Promise<T>): Promise<T> {
  const opts = program.opts<{ state: string; database?: string }>();
  const state = ensureCenterState(opts.state);
  const env = opts.database ? { ...process.env, MADOGUCHI_DATABASE_URL: opts.database } : process.env;
  const database = await openDatabase(databaseConfigFromEnv(env, state.sqlitePath));
  try {
    await migrate(database);
    return await fn(database, state.kioskCaDir);
  } finally {
    await database.close();
  }
}

program
  .command('enroll')
  .requiredOption('--csr <file>', 'the kiosk’s certificate signing request (PEM)')
  .requiredOption('--terminal-id <id>')
  .requiredOption('--printer-id <id>')
  .requiredOption('--store-code <code>')
  .requiredOption('--store-name <name>')
  .option('--out <file>', 'where to write the client certificate (default: stdout)')
  .option('--days <n>', 'validity in days', '825')
  .action(async (opts: { csr: string; terminalId: string; printerId: string; storeCode: string; storeName: string; out?: string; days: string }) => {
    const enrollment = await withDatabase((database, caDir) =>
      enrollKiosk(database, ensureKioskCa(caDir), {
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
      process.stdout.write(`enrolled ${enrollment.kiosk.terminalId}: ${opts.out} (sha256 ${enrollment.certificateSha256}, until ${enrollment.notAfter})\n`);
    } else {
      process.stdout.write(enrollment.certificatePem);
    }
  });

program
  .command('revoke')
  .requiredOption('--terminal-id <id>')
  .action(async (opts: { terminalId: string }) => {
    const revoked = await withDatabase((database) => revokeKiosk(database, opts.terminalId));
    process.stdout.write(revoked ? `revoked ${opts.terminalId}\n` : `${opts.terminalId} is unknown or already revoked\n`);
    process.exitCode = revoked ? 0 : 1;
  });

program.command('list').action(async () => {
  const kiosks = await withDatabase((database) => listKiosks(database));
  for (const k of kiosks) process.stdout.write(`${k.terminalId}\t${k.printerId}\t${k.storeCode}\t${k.storeName}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\n`);
});

program
  .command('make-csr')
  .requiredOption('--terminal-id <id>')
  .requiredOption('--dir <dir>')
  .action((opts: { terminalId: string; dir: string }) => {
    const made = createKioskKeyAndCsr(opts.dir, opts.terminalId);
    process.stdout.write(`key ${made.keyPath}\ncsr ${made.csrPath}\nkiosk CA for the kiosk to pin: ${join(program.opts<{ state: string }>().state, 'kiosk-ca', 'kiosk-ca.cert.pem')}\n`);
  });

await program.parseAsync(process.argv);
