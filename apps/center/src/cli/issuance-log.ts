/**
 * Operator CLI for the issuance log: the console's CSV export, run on the center's host.
 *
 *   tsx apps/center/src/cli/issuance-log.ts export --out FILE [--from DATE|INSTANT] [--to DATE|INSTANT]
 *       [--municipality CODE] [--chain CODE] [--store CODE] [--kiosk TERMINAL_ID] [--type CERTIFICATE_TYPE]
 *       [--state STATE] [--issue-number NUMBER] [--issuance-id ID]
 *
 * The filters are the console search's (IssuanceLogFilter: dates are Japan dates, `--to` includes
 * its whole day), checked before anything is read. Like the console, the export is written to the
 * history (`issuance_log_exported`, via `cli`, no staff id) before the first row; the file is never
 * overwritten (an existing FILE is refused), and a progress bar runs on stderr when it is a terminal.
 * Common options: --state <dir>, --database <sqlite path | postgres://…> (see cli-database.ts).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { IssuanceLogFilter, MadoguchiError } from '@madoguchi/shared';
import { issuanceLogCsv } from '../console/issuance-log-csv.js';
import { recordExport } from '../console/issuance-log-export.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

interface ExportOptions {
  out: string;
  from?: string;
  to?: string;
  municipality?: string;
  chain?: string;
  store?: string;
  kiosk?: string;
  type?: string;
  state?: string;
  issueNumber?: string;
  issuanceId?: string;
}

/** The options as the console's filter, or INPUT_INVALID naming each wrong option. */
function filterOf(opts: ExportOptions): IssuanceLogFilter {
  const names: Record<string, keyof ExportOptions> = {
    municipalityCode: 'municipality',
    chainCode: 'chain',
    storeCode: 'store',
    terminalId: 'kiosk',
    certificateType: 'type',
  };
  const raw = Object.fromEntries(
    ['from', 'to', 'municipalityCode', 'chainCode', 'storeCode', 'terminalId', 'certificateType', 'state', 'issueNumber', 'issuanceId']
      .map((key) => [key, opts[names[key] ?? (key as keyof ExportOptions)]])
      .filter(([, value]) => value !== undefined),
  );
  const parsed = IssuanceLogFilter.safeParse(raw);
  if (parsed.success) return parsed.data;
  const option = (key: string) => `--${(names[key] ?? key).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new MadoguchiError(
    'INPUT_INVALID',
    'issuances export: a filter is not valid',
    parsed.error.issues.map((issue) => ({ path: option(String(issue.path[0])), message: issue.message })),
  );
}

function progressBar(total: number): { add(count: number): void; stop(): void } {
  // Only on a terminal: redirected stderr (cron, a pipe) gets no control characters.
  if (!process.stderr.isTTY) return { add: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{bar} {percentage}% | {value}/{total} rows | {eta_formatted}' },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { add: (count) => bar.increment(count), stop: () => bar.stop() };
}

export function issuanceLogProgram(io: CliIo): Command {
  const program = withDatabaseOptions(new Command('madoguchi-issuances').description('Issuance log (交付履歴): export a search as CSV'));
  program
    .command('export')
    .description('write every issuance the filters find as CSV (formula-safe), recorded in the history')
    .requiredOption('--out <file>', 'the CSV file to write (must not exist)')
    .option('--from <date|instant>', 'from this Japan date (or instant), inclusive')
    .option('--to <date|instant>', 'to this Japan date, inclusive (or before this instant)')
    .option('--municipality <code>', 'municipality code (6 digits)')
    .option('--chain <code>', 'store chain code')
    .option('--store <code>', 'store code')
    .option('--kiosk <terminalId>', 'kiosk terminal id')
    .option('--type <certificateType>', 'certificate type, e.g. residenceRecord')
    .option('--state <state>', 'issuance state: quoted, paid, delivered, printed, failed, refunded, voided')
    .option('--issue-number <number>', 'an issue number (発行番号) of one of its documents')
    .option('--issuance-id <id>', 'one issuance')
    .action(async (opts: ExportOptions) => {
      const filter = filterOf(opts);
      if (existsSync(opts.out)) throw new MadoguchiError('INPUT_INVALID', `issuances export: ${opts.out} exists; name a new file`);
      await withCliDatabase(program.opts<DatabaseOptions>(), async (database) => {
        const { resolved, rowCount } = await recordExport(database, filter, { staffId: null, now: new Date() });
        const bar = progressBar(rowCount);
        let written = 0;
        try {
          const rows = issuanceLogCsv(database.db, resolved, { onRows: (count) => ((written += count), bar.add(count)) });
          await pipeline(Readable.from(rows), createWriteStream(opts.out, { flags: 'wx' }));
        } finally {
          bar.stop();
        }
        io.out(`wrote ${written} issuance(s) to ${opts.out}\n`);
      });
    });
  return program;
}

if (isMain(import.meta.url)) void runProgram(issuanceLogProgram, process.argv.slice(2));
