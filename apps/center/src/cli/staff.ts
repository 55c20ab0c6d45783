/**
 * Staff accounts from the center's own machine (operators).
 *
 *   tsx apps/center/src/cli/staff.ts create-operator --login-id <id>      the first operator: prints a one-time enrolment link
 *   tsx apps/center/src/cli/staff.ts create --login-id <id> --role <role> [--municipality <code>]
 *   tsx apps/center/src/cli/staff.ts list
 *   tsx apps/center/src/cli/staff.ts disable --staff-id <id>
 *   tsx apps/center/src/cli/staff.ts token create --staff-id <creator> --label <text> [--municipality <code>]   (an operator's: required)
 *   tsx apps/center/src/cli/staff.ts token revoke --token-id <id> --municipality <code>
 *
 * An enrolment link is `<console URL>/console/enrol/<token>` (--console-url, else
 * MADOGUCHI_CONSOLE_URL, else https://<MADOGUCHI_CENTER_HOST>:<MADOGUCHI_CENTER_PORT>), valid 72 h
 * and once. The database is opened like every operator CLI's (cli-database.ts). Refusals print
 * their catalog code (e.g. CONFLICT for a login id in use, NOT_FOUND for an unknown municipality).
 */
import { Command } from 'commander';
import { CreateApiTokenRequest, LoginId, MadoguchiError, StaffRole, isMunicipalRole } from '@madoguchi/shared';
import { consoleSettings } from '../config.js';
import type { CenterDatabase } from '../db/database.js';
import { createApiToken, revokeApiToken } from '../staff/api-tokens.js';
import { createStaff, disableStaff, listStaff, type CreatedStaff } from '../staff/staff-store.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

const parsed = <T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  path: string,
): T => {
  const result = schema.safeParse(value);
  if (!result.success) throw new MadoguchiError('INPUT_INVALID', `${path} is not valid`, [{ path, message: `not a valid ${path}` }]);
  return result.data;
};

function consoleUrl(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const port = Number(env.MADOGUCHI_CENTER_PORT) || 8443;
  const publicUrl = option ?? env.MADOGUCHI_CONSOLE_URL;
  return consoleSettings({ host: env.MADOGUCHI_CENTER_HOST ?? 'localhost', port, console: publicUrl ? { publicUrl } : {} }).publicUrl;
}

function printCreated(io: CliIo, created: CreatedStaff, baseUrl: string): void {
  const where = created.staff.municipalityCode ? ` ${created.staff.municipalityCode}` : '';
  io.out(`created ${created.staff.staffId} (${created.staff.role}${where})\n`);
  io.out(`enrolment link (once, until ${created.expiresAt}):\n${baseUrl}${created.enrolmentPath}\n`);
}

function tokenCommands(program: Command, io: CliIo, withDatabase: <T>(fn: (database: CenterDatabase) => Promise<T>) => Promise<T>): void {
  const token = program.command('token').description('Import API tokens (scoped to one municipality)');
  token
    .command('create')
    .requiredOption('--staff-id <id>', 'the administrator (or operator) the token acts for; it stops working if they are disabled')
    .requiredOption('--label <text>', 'what the token is for (1–80 characters)')
    .option('--municipality <code>', 'default: the staff member’s municipality')
    .action(async (opts: { staffId: string; label: string; municipality?: string }) => {
      const label = parsed(CreateApiTokenRequest.shape.label, opts.label, 'label');
      const made = await withDatabase(async (database) => {
        const staff = await database.db.selectFrom('staff_users').selectAll().where('staff_id', '=', opts.staffId).executeTakeFirst();
        if (!staff || staff.status !== 'active') throw new MadoguchiError('NOT_FOUND', 'no active staff account with that id');
        const role = StaffRole.parse(staff.role);
        const municipalityCode = opts.municipality ?? staff.municipality_code;
        const allowed = role === 'operator' || (role === 'municipalityAdministrator' && staff.municipality_code === municipalityCode);
        if (!allowed) throw new MadoguchiError('FORBIDDEN', 'tokens are made for an operator or that municipality’s administrator');
        if (!municipalityCode)
          throw new MadoguchiError('INPUT_INVALID', 'an operator’s token needs --municipality', [
            { path: 'municipality', message: 'the municipality the token imports for' },
          ]);
        return createApiToken(database, staff.staff_id, municipalityCode, label, new Date());
      });
      io.out(`${made.summary.tokenId} for ${made.summary.municipalityCode} (shown once):\n${made.token}\n`);
    });
  token
    .command('revoke')
    .requiredOption('--token-id <id>')
    .requiredOption('--municipality <code>')
    .action(async (opts: { tokenId: string; municipality: string }) => {
      const revoked = await withDatabase((database) => revokeApiToken(database, null, opts.municipality, opts.tokenId, new Date()));
      io.out(`revoked ${revoked.tokenId} at ${revoked.revokedAt}\n`);
    });
}

/** The CLI as a commander program writing to `io` (tests run it in-process). */
export function staffProgram(io: CliIo, env: NodeJS.ProcessEnv = process.env): Command {
  const program = withDatabaseOptions(new Command('madoguchi-staff').description('Staff accounts of the console, and import API tokens'));
  program.option('--console-url <url>', 'public base URL of the console, for enrolment links (MADOGUCHI_CONSOLE_URL)');
  const withDatabase = <T>(fn: (database: CenterDatabase) => Promise<T>) => withCliDatabase(program.opts<DatabaseOptions>(), fn);
  const baseUrl = () => consoleUrl(program.opts<{ consoleUrl?: string }>().consoleUrl, env);

  program
    .command('create-operator')
    .requiredOption('--login-id <id>')
    .action(async (opts: { loginId: string }) => {
      const staff = { loginId: parsed(LoginId, opts.loginId, 'loginId'), role: 'operator' as const, municipalityCode: null };
      printCreated(io, await withDatabase((database) => createStaff(database, null, staff, new Date())), baseUrl());
    });
  program
    .command('create')
    .requiredOption('--login-id <id>')
    .requiredOption('--role <role>', StaffRole.options.join(' | '))
    .option('--municipality <code>', 'for municipalityAdministrator and municipalityClerk')
    .action(async (opts: { loginId: string; role: string; municipality?: string }) => {
      const role = parsed(StaffRole, opts.role, 'role');
      if (isMunicipalRole(role) !== (opts.municipality !== undefined))
        throw new MadoguchiError('INPUT_INVALID', '--municipality is for municipal roles only, and they need it', [
          { path: 'municipality', message: 'municipal roles only' },
        ]);
      const staff = { loginId: parsed(LoginId, opts.loginId, 'loginId'), role, municipalityCode: opts.municipality ?? null };
      printCreated(io, await withDatabase((database) => createStaff(database, null, staff, new Date())), baseUrl());
    });
  program.command('list').action(async () => {
    for (const s of await withDatabase((database) => listStaff(database.db, 'all')))
      io.out(`${s.staffId}\t${s.loginId}\t${s.role}\t${s.municipalityCode ?? '-'}\t${s.status}\n`);
  });
  program
    .command('disable')
    .requiredOption('--staff-id <id>')
    .action(async (opts: { staffId: string }) => {
      const disabled = await withDatabase((database) => disableStaff(database, null, opts.staffId, 'any', new Date()));
      io.out(`disabled ${disabled.staffId}; its sessions have ended\n`);
    });
  tokenCommands(program, io, withDatabase);
  return program;
}

if (isMain(import.meta.url)) void runProgram(staffProgram, process.argv.slice(2));
