/**
 * Municipality policy CLI (municipal staff and operators).
 *
 *   tsx apps/center/src/cli/policy.ts set policy.json            (one MunicipalityPolicy, or an array)
 *   tsx apps/center/src/cli/policy.ts show 131016                (the stored policy as JSON, seal image elided)
 *   tsx apps/center/src/cli/policy.ts fee 131016 residenceRecord [--on 2026-12-01]
 *   tsx apps/center/src/cli/policy.ts holidays holidays.json     ([{ "date": "2027-01-01", "name": "元日" }, …])
 *   tsx apps/center/src/cli/policy.ts domicile list 131016 [--status pending]
 *   tsx apps/center/src/cli/policy.ts domicile approve <registrationId> --by <clerk>
 *   tsx apps/center/src/cli/policy.ts domicile reject <registrationId> --by <clerk>
 *
 * Common options: --database <sqlite path | postgres://…>, --state <dir>, --migrate (cli-database.ts: an
 * existing database only). Errors print their code and
 * field paths and exit with status 2.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CertificateType, japanDate } from '@madoguchi/shared';
import { createPolicyStore, type DomicileRegistrationStatus } from '../policy/index.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

/** The CLI as a commander program writing to `io` (tests run it in-process). */
// eslint-disable-next-line max-lines-per-function -- a commander program listing its commands; each action is a few lines
export function policyProgram(io: CliIo): Command {
  const program = withDatabaseOptions(
    new Command('madoguchi-policy').description(
      'Per-municipality offerings, fees, hours, outages, texts, holidays and 本籍地 registrations',
    ),
  );

  const dbOptions = () => program.opts<DatabaseOptions>();
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  program
    .command('set')
    .argument('<file>', 'a MunicipalityPolicy (or an array of them) as JSON')
    .action(async (file: string) => {
      const input = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      const list = Array.isArray(input) ? input : [input];
      const stored = await withCliDatabase(dbOptions(), async (database) => {
        const policies = createPolicyStore(database);
        const codes: string[] = [];
        for (const policy of list) codes.push((await policies.putPolicy(policy)).municipalityCode);
        return codes;
      });
      io.out(`stored policy for ${stored.join(', ')}\n`);
    });

  program
    .command('show')
    .argument('<code>', 'municipality code (6 digits)')
    .action(async (code: string) => {
      const policy = await withCliDatabase(dbOptions(), (database) => createPolicyStore(database).getPolicy(code));
      if (!policy) {
        io.err(`no policy for ${code}\n`);
        io.setExitCode(2);
        return;
      }
      io.out(json({ ...policy, officialSealPng: `<${policy.officialSealPng.length} base64 chars>` }));
    });

  program
    .command('fee')
    .argument('<code>', 'municipality code')
    .argument('<type>', `certificate type (${CertificateType.options.join(', ')})`)
    .option('--on <date>', 'ISO date (default: today in Japan)')
    .action(async (code: string, type: string, opts: { on?: string }) => {
      const certificateType = CertificateType.parse(type);
      const on = opts.on ?? japanDate(new Date());
      const fee = await withCliDatabase(dbOptions(), (database) => createPolicyStore(database).feeFor(code, certificateType, on));
      if (fee === null) {
        io.out(`${code} ${certificateType} is not offered on ${on}\n`);
        io.setExitCode(2);
        return;
      }
      io.out(`${fee}\n`);
    });

  program
    .command('holidays')
    .argument('<file>', 'holiday calendar JSON: [{ "date": "YYYY-MM-DD", "name": "…" }]')
    .action(async (file: string) => {
      const input = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      const n = await withCliDatabase(dbOptions(), (database) => createPolicyStore(database).putHolidays(input));
      io.out(`stored ${n} holidays\n`);
    });

  const domicile = program.command('domicile').description('本籍地利用登録申請: list, approve, reject');

  domicile
    .command('list')
    .argument('<code>', 'the domicile municipality')
    .option('--status <status>', 'pending | approved | rejected')
    .action(async (code: string, opts: { status?: DomicileRegistrationStatus }) => {
      const rows = await withCliDatabase(dbOptions(), (database) =>
        createPolicyStore(database).listDomicileRegistrations(code, opts.status),
      );
      for (const r of rows)
        io.out(`${r.registrationId}\t${r.residentId}\t${r.status}\t${r.appliedAt}${r.decidedBy ? `\t${r.decidedBy}` : ''}\n`);
    });

  for (const decision of ['approved', 'rejected'] as const) {
    domicile
      .command(decision === 'approved' ? 'approve' : 'reject')
      .argument('<registrationId>')
      .requiredOption('--by <clerk>', 'staff id of the clerk who decides, recorded in the issuance history (an id, never a name)')
      .action(async (id: string, opts: { by: string }) => {
        const decided = await withCliDatabase(dbOptions(), (database) =>
          createPolicyStore(database).decideDomicileRegistration(id, decision, opts.by),
        );
        io.out(`${decided.registrationId} ${decided.status} by ${decided.decidedBy}\n`);
      });
  }
  return program;
}

if (isMain(import.meta.url)) void runProgram(policyProgram, process.argv.slice(2));
