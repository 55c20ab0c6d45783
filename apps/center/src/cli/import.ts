/**
 * Municipal data import CLI (municipal staff and operators). Formats: docs/import-format.md.
 *
 *   tsx apps/center/src/cli/import.ts json batch.json [--dry-run]
 *   tsx apps/center/src/cli/import.ts csv DIR_OR_FILES... [--dry-run]   (file names say the record kind)
 *   tsx apps/center/src/cli/import.ts to-csv batch.json --out DIR        (write a JSON batch as CSV files)
 *   tsx apps/center/src/cli/import.ts demo                               (the demo world: data, policies, holidays)
 *
 * Common options: --database <sqlite path | postgres://…>, --state <dir>, --migrate (cli-database.ts: an
 * existing database only; `demo --migrate` into a new state). A refused batch prints each
 * problem as `path: message` (residents[12].birthDate / residents.csv:13:birthDate), changes nothing,
 * and exits with status 2.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { MunicipalDataBatch } from '@madoguchi/shared';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { createPolicyStore } from '../policy/index.js';
import { batchToCsv, createMunicipalStore, type ImportReport } from '../residents/index.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

/** The CLI as a commander program writing to `io` (tests run it in-process). */
export function importProgram(io: CliIo): Command {
  const program = withDatabaseOptions(
    new Command('madoguchi-import').description(
      'Import municipal data (residents, seals, registers, tax, measures, blocks, card links) into the center',
    ),
  );

  const dbOptions = () => program.opts<DatabaseOptions>();

  function printReport(report: ImportReport): void {
    const counts = Object.entries(report.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    io.out(`${report.dryRun ? 'dry run, nothing changed' : 'imported'}: ${report.total} records (${counts || 'none'})\n`);
  }

  function csvInputs(paths: string[]): Record<string, string> {
    const files: Record<string, string> = {};
    for (const path of paths) {
      const entries = statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((n) => n.endsWith('.csv'))
            .map((n) => join(path, n))
        : [path];
      for (const file of entries) files[basename(file)] = readFileSync(file, 'utf8');
    }
    return files;
  }

  program
    .command('json')
    .argument('<file>', 'a MunicipalDataBatch as JSON')
    .option('--dry-run', 'validate against the stored data, change nothing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const input = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      printReport(
        await withCliDatabase(dbOptions(), (database) =>
          createMunicipalStore(database).importBatch(input, { dryRun: opts.dryRun === true }),
        ),
      );
    });

  program
    .command('csv')
    .argument('<paths...>', 'CSV files, or directories holding them')
    .option('--dry-run', 'validate against the stored data, change nothing')
    .action(async (paths: string[], opts: { dryRun?: boolean }) => {
      const files = csvInputs(paths);
      printReport(
        await withCliDatabase(dbOptions(), (database) => createMunicipalStore(database).importCsv(files, { dryRun: opts.dryRun === true })),
      );
    });

  program
    .command('to-csv')
    .argument('<file>', 'a MunicipalDataBatch as JSON')
    .requiredOption('--out <dir>', 'directory for the CSV files')
    .action((file: string, opts: { out: string }) => {
      const batch = MunicipalDataBatch.parse(JSON.parse(readFileSync(file, 'utf8')));
      mkdirSync(opts.out, { recursive: true });
      for (const [name, text] of Object.entries(batchToCsv(batch))) writeFileSync(join(opts.out, name), text);
      io.out(`wrote ${Object.keys(batchToCsv(batch)).length} files to ${opts.out}\n`);
    });

  program
    .command('demo')
    .description('import the deterministic demo world: municipal data, the three policies and the holiday calendar')
    .action(async () => {
      const demo = generateDemoData();
      const report = await withCliDatabase(dbOptions(), async (database) => {
        const result = await createMunicipalStore(database).importBatch(demo.batch);
        const policies = createPolicyStore(database);
        for (const policy of demo.policies) await policies.putPolicy(policy);
        await policies.putHolidays(demo.holidays);
        return result;
      });
      printReport(report);
      io.out(`policies: ${demo.policies.map((p) => p.municipalityCode).join(', ')}; holidays: ${demo.holidays.length}\n`);
    });
  return program;
}

if (isMain(import.meta.url)) void runProgram(importProgram, process.argv.slice(2));
