/**
 * Operator CLI for the issuance history and incidents.
 *
 *   tsx apps/center/src/cli/audit.ts verify [--expect-head SEQ:HASH]   exit 0 when the chain is intact
 *   tsx apps/center/src/cli/audit.ts incidents [--all]                   open incidents (refunds, rejections, retries)
 *   tsx apps/center/src/cli/audit.ts resolve INCIDENT_ID
 *   tsx apps/center/src/cli/audit.ts dispose ISSUE_NUMBER --reason TEXT --operator ID
 *                                                                        records a disposal (処分) of a wrongly printed document
 *
 * Common options: --state <dir>, --database <sqlite path | postgres://…>, --migrate (see cli-database.ts).
 * Only an existing, migrated database is opened: with nothing to verify, `verify` fails (exit 2)
 * instead of calling a database it just created intact.
 */
import { Command } from 'commander';
import { appendAudit } from '../audit/chain.js';
import { verifyAuditChain } from '../audit/verify.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { listIncidents, resolveIncident } from '../issuance/incidents.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

/** The CLI as a commander program writing to `io` (tests run it in-process). */
export function auditProgram(io: CliIo): Command {
  const program = withDatabaseOptions(new Command('madoguchi-audit').description('Issuance history (交付履歴) and incidents'));
  const withDatabase = <T>(fn: (database: CenterDatabase) => Promise<T>) => withCliDatabase(program.opts<DatabaseOptions>(), fn);

  program
    .command('verify')
    .description('verify the hash chain and that every issuance state is recorded')
    .option('--expect-head <seq:hash>', 'a head noted earlier (detects removal of the newest rows)')
    .action(async (opts: { expectHead?: string }) => {
      const expectedHead = opts.expectHead
        ? { seq: Number(opts.expectHead.split(':')[0]), hash: opts.expectHead.split(':')[1] ?? '' }
        : undefined;
      const result = await withDatabase((database) => verifyAuditChain(database.db, { expectedHead }));
      for (const problem of result.problems)
        io.out(`PROBLEM ${problem.kind}${problem.seq !== null ? ` at seq ${problem.seq}` : ''}: ${problem.message}\n`);
      io.out(
        result.ok
          ? `OK ${result.rows} rows, head ${result.head ? `${result.head.seq}:${result.head.hash}` : 'none'}\n`
          : `FAILED ${result.problems.length} problem(s) in ${result.rows} rows\n`,
      );
      io.setExitCode(result.ok ? 0 : 1);
    });

  program
    .command('incidents')
    .description('list incidents an operator must look at')
    .option('--all', 'include resolved ones')
    .action(async (opts: { all?: boolean }) => {
      const incidents = await withDatabase((database) => listIncidents(database.db, { includeResolved: opts.all }));
      for (const i of incidents) {
        const resolved = i.resolvedAt ? ` resolved ${i.resolvedAt}` : '';
        io.out(
          `${i.createdAt} ${i.incidentId} ${i.kind} issuance=${i.issuanceId ?? '-'} terminal=${i.terminalId ?? '-'} ` +
            `${JSON.stringify(i.detail)}${resolved}\n`,
        );
      }
      io.out(`${incidents.length} incident(s)\n`);
    });

  program.command('resolve <incidentId>').action(async (incidentId: string) => {
    const ok = await withDatabase((database) => resolveIncident(database.db, incidentId, new Date()));
    io.out(ok ? 'resolved\n' : 'no open incident with that id\n');
    io.setExitCode(ok ? 0 : 1);
  });

  program
    .command('dispose <issueNumber>')
    .description('record the disposal (処分) of a wrongly printed document')
    .requiredOption('--reason <text>', 'what was done with the document (no personal data)')
    .requiredOption('--operator <id>', 'staff id of the operator recording the disposal (an id, not a name)')
    .action(async (issueNumber: string, opts: { reason: string; operator: string }) => {
      const operatorId = opts.operator.trim();
      if (operatorId.length === 0) {
        io.err('--operator needs the id of the operator recording the disposal\n');
        io.setExitCode(2);
        return;
      }
      const found = await withDatabase((database) => recordDisposal(database, issueNumber, opts.reason, operatorId));
      io.out(found ? 'disposal recorded\n' : 'no document with that issue number\n');
      io.setExitCode(found ? 0 : 1);
    });
  return program;
}

/**
 * Records the disposal (処分) of the document with this issue number; false when there is none.
 */
function recordDisposal(database: CenterDatabase, issueNumber: string, reason: string, operatorId: string): Promise<boolean> {
  return writeTransaction(database, async (trx) => {
    // The disposal row names the document's own issuance, store and terminal (交付履歴: where),
    // and who recorded it, so the history answers "which copy, from where, disposed by whom".
    const doc = await trx
      .selectFrom('issuance_documents as d')
      .innerJoin('issuances as i', 'i.issuance_id', 'd.issuance_id')
      .leftJoin('kiosks as k', 'k.terminal_id', 'i.terminal_id')
      .select([
        'i.issuance_id',
        'i.terminal_id',
        'i.resident_id',
        'i.municipality_code',
        'i.certificate_type',
        'i.options_json',
        'i.copies',
        'd.page_count',
        'd.print_outcome',
        'k.store_code',
      ])
      .where('d.issue_number', '=', issueNumber)
      .executeTakeFirst();
    if (!doc) return false;
    await appendAudit(
      trx,
      database.kind,
      {
        event: 'disposal',
        issuanceId: doc.issuance_id,
        storeCode: doc.store_code ?? 'unknown',
        terminalId: doc.terminal_id,
        residentId: doc.resident_id,
        municipalityCode: doc.municipality_code,
        certificateType: doc.certificate_type,
        options: JSON.parse(doc.options_json) as unknown,
        copies: doc.copies,
        pageCount: doc.page_count ?? undefined,
        issueNumbers: [issueNumber],
        detail: { reason, operatorId, printOutcome: doc.print_outcome },
      },
      new Date(),
    );
    return true;
  });
}

if (isMain(import.meta.url)) void runProgram(auditProgram, process.argv.slice(2));
