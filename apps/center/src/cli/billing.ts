/**
 * Operator CLI for billing: the monthly close, a municipality's statement and a chain's settlement,
 * run on the center's host.
 *
 *   tsx apps/center/src/cli/billing.ts close --month YYYY-MM [--municipality CODE]
 *   tsx apps/center/src/cli/billing.ts statement --month YYYY-MM --municipality CODE --format pdf|csv --out FILE
 *   tsx apps/center/src/cli/billing.ts settlement --month YYYY-MM --chain CODE [--format csv|pdf] [--out FILE]
 *
 * `close` without --municipality closes every municipality whose month is still open (a progress
 * bar on stderr when it is a terminal; one already closed is reported and skipped), with the
 * history row `billing_month_closed` by `cli`. Files are never overwritten (an existing FILE is
 * refused). A settlement without --out is written to stdout as CSV.
 * Common options: --state <dir>, --database <sqlite path | postgres://…> (see cli-database.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { BillingChainCode, BillingMonth, MadoguchiError, MunicipalityCode } from '@madoguchi/shared';
import type { z } from 'zod';
import { closeBillingMonth } from '../billing/close.js';
import { monthState } from '../billing/month-state.js';
import { billingStatement, chainSettlement } from '../billing/statement.js';
import { renderReportInProcess } from '../billing/report-pdf.js';
import { settlementFile, statementFile } from '../billing/statement-files.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

/** The option's value by its schema, or INPUT_INVALID naming the option. */
function checked<T>(schema: z.ZodType<T>, option: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new MadoguchiError('INPUT_INVALID', `billing: ${option} is not valid`, [
    { path: option, message: parsed.error.issues[0]!.message },
  ]);
}

function checkedFormat(value: unknown): 'pdf' | 'csv' {
  if (value === 'pdf' || value === 'csv') return value;
  throw new MadoguchiError('INPUT_INVALID', 'billing: --format is pdf or csv', [{ path: '--format', message: 'pdf | csv' }]);
}

function newFile(path: string): string {
  if (existsSync(path)) throw new MadoguchiError('INPUT_INVALID', `billing: ${path} exists; name a new file`);
  return path;
}

function progressBar(total: number): { tick(): void; stop(): void } {
  // Only on a terminal: redirected stderr (cron, a pipe) gets no control characters.
  if (!process.stderr.isTTY) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{bar} {value}/{total} municipalities | {eta_formatted}' },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: () => bar.increment(1), stop: () => bar.stop() };
}

export function billingProgram(io: CliIo, now: () => Date = () => new Date()): Command {
  const program = withDatabaseOptions(new Command('madoguchi-billing').description('Billing: monthly close, statements, settlements'));
  const database = <T>(fn: Parameters<typeof withCliDatabase<T>>[1]) => withCliDatabase(program.opts<DatabaseOptions>(), fn);

  program
    .command('close')
    .description('close a month (Japan time) that has ended: commission, its tax, April’s participation charge; never changes again')
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--municipality <code>', 'one municipality (default: every one still open)')
    .action(async (opts: { month: string; municipality?: string }) => {
      const month = checked(BillingMonth, '--month', opts.month);
      const only = opts.municipality === undefined ? undefined : checked(MunicipalityCode, '--municipality', opts.municipality);
      await database(async (db) => {
        const codes = only
          ? [only]
          : (await db.db.selectFrom('municipalities').select('code').orderBy('code').execute()).map((m) => m.code);
        const bar = progressBar(codes.length);
        const lines: string[] = [];
        try {
          for (const code of codes) {
            if (!only && (await monthState(db.db, code, month)) === 'closed') lines.push(`${code} ${month}: already closed\n`);
            else {
              await closeBillingMonth(db, code, month, { staffId: 'cli', now: now() });
              const s = await billingStatement(db.db, code, month);
              lines.push(`${code} ${month}: closed, net ${s.netYen} yen\n`);
            }
            bar.tick();
          }
        } finally {
          bar.stop();
          lines.forEach((line) => io.out(line));
        }
      });
    });

  program
    .command('statement')
    .description('write a municipality’s statement for a month as PDF or CSV')
    .requiredOption('--month <YYYY-MM>', 'the month')
    .requiredOption('--municipality <code>', 'municipality code (6 digits)')
    .requiredOption('--format <format>', 'pdf | csv')
    .requiredOption('--out <file>', 'the file to write (must not exist)')
    .action(async (opts: { month: string; municipality: string; format: string; out: string }) => {
      const month = checked(BillingMonth, '--month', opts.month);
      const code = checked(MunicipalityCode, '--municipality', opts.municipality);
      const format = checkedFormat(opts.format);
      const out = newFile(opts.out);
      const file = await database(async (db) => statementFile(await billingStatement(db.db, code, month), format, renderReportInProcess));
      writeFileSync(out, Buffer.from(file.contentBase64, 'base64'), { flag: 'wx' });
      io.out(`wrote ${file.fileName} to ${out} (sha256 ${file.sha256})\n`);
    });

  program
    .command('settlement')
    .description('what a store chain remits to each municipality for a month')
    .requiredOption('--month <YYYY-MM>', 'the month')
    .requiredOption('--chain <code>', 'store chain code')
    .option('--format <format>', 'csv | pdf', 'csv')
    .option('--out <file>', 'the file to write (must not exist; default: CSV on stdout)')
    .action(async (opts: { month: string; chain: string; format: string; out?: string }) => {
      const month = checked(BillingMonth, '--month', opts.month);
      const chain = checked(BillingChainCode, '--chain', opts.chain);
      const format = checkedFormat(opts.format);
      if (format === 'pdf' && !opts.out) throw new MadoguchiError('INPUT_INVALID', 'billing settlement: a PDF needs --out <file>');
      const out = opts.out === undefined ? undefined : newFile(opts.out);
      const file = await database(async (db) => settlementFile(await chainSettlement(db.db, chain, month), format, renderReportInProcess));
      const bytes = Buffer.from(file.contentBase64, 'base64');
      if (out === undefined) io.out(bytes.toString('utf8'));
      else {
        writeFileSync(out, bytes, { flag: 'wx' });
        io.out(`wrote ${file.fileName} to ${out} (sha256 ${file.sha256})\n`);
      }
    });
  return program;
}

if (isMain(import.meta.url)) void runProgram(billingProgram, process.argv.slice(2));
