/**
 * Operator CLI for the issuance history, its signed heads and incidents.
 *
 *   tsx apps/center/src/cli/audit.ts verify [--expect-head SEQ:HASH] [--heads FILE]
 *                                        exit 0 when the chain is intact (and matches every head in FILE)
 *   tsx apps/center/src/cli/audit.ts head export [--out FILE]
 *                                        signs the newest row now (unless signed already) and writes every
 *                                        signed head as JSON lines to FILE (default stdout)
 *   tsx apps/center/src/cli/audit.ts incidents [--all]                   open incidents (refunds, rejections, retries)
 *   tsx apps/center/src/cli/audit.ts acknowledge INCIDENT_ID --operator ID [--note TEXT]
 *   tsx apps/center/src/cli/audit.ts resolve INCIDENT_ID --operator ID --note TEXT
 *   tsx apps/center/src/cli/audit.ts dispose ISSUE_NUMBER --reason TEXT --operator ID
 *                                                                        records a disposal (処分) of a wrongly printed document
 *
 * Common options: --state <dir>, --database <sqlite path | postgres://…>, --migrate (see cli-database.ts).
 * Only an existing, migrated database is opened: with nothing to verify, `verify` fails (exit 2)
 * instead of calling a database it just created intact. The chain-head key is the center's own
 * (<state>/chain-head-key.pem); heads are also appended to the publication directory
 * (MADOGUCHI_CHAIN_HEADS_DIR, default <state>/published-heads), as the center's daily timer does.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { MadoguchiError } from '@madoguchi/shared';
import {
  CHAIN_HEAD_KEY_FILE,
  ensureChainHeadKey,
  headsAsJsonLines,
  publishDirOf,
  readPublishedHeads,
  signChainHead,
  storedHeads,
} from '../audit/chain-heads.js';
import { recordDisposal } from '../audit/disposal.js';
import { verifyAuditChain } from '../audit/verify.js';
import type { CenterDatabase } from '../db/database.js';
import { listIncidents, triageIncident } from '../issuance/incidents.js';
import { withCliDatabase, withDatabaseOptions, type DatabaseOptions } from './cli-database.js';
import { isMain, runProgram, type CliIo } from './cli-errors.js';

type WithDatabase = <T>(fn: (database: CenterDatabase) => Promise<T>) => Promise<T>;

/** The CLI as a commander program writing to `io` (tests run it in-process). */
export function auditProgram(io: CliIo): Command {
  const program = withDatabaseOptions(new Command('madoguchi-audit').description('Issuance history (交付履歴) and incidents'));
  const withDatabase: WithDatabase = (fn) => withCliDatabase(program.opts<DatabaseOptions>(), fn);
  addVerify(program, io, withDatabase);
  addHeads(program, io, withDatabase);
  addIncidents(program, io, withDatabase);
  addDispose(program, io, withDatabase);
  return program;
}

function addVerify(program: Command, io: CliIo, withDatabase: WithDatabase): void {
  program
    .command('verify')
    .description('verify the hash chain, that every issuance state is recorded, and the chain against published heads')
    .option('--expect-head <seq:hash>', 'a head noted earlier (detects removal of the newest rows)')
    .option('--heads <file>', 'a file of published heads (JSON lines from `head export`): detects a chain rewritten whole')
    .action(async (opts: { expectHead?: string; heads?: string }) => {
      const expectedHead = opts.expectHead
        ? { seq: Number(opts.expectHead.split(':')[0]), hash: opts.expectHead.split(':')[1] ?? '' }
        : undefined;
      const publishedHeads = opts.heads ? readHeadsFile(opts.heads) : undefined;
      const keyPath = join(program.opts<DatabaseOptions>().state, CHAIN_HEAD_KEY_FILE);
      // Only a key that exists: verifying must not create one.
      const headPublicKey = existsSync(keyPath) ? createPublicKey(createPrivateKey(readFileSync(keyPath, 'utf8'))) : undefined;
      const result = await withDatabase((database) => verifyAuditChain(database.db, { expectedHead, publishedHeads, headPublicKey }));
      for (const problem of result.problems)
        io.out(`PROBLEM ${problem.kind}${problem.seq !== null ? ` at seq ${problem.seq}` : ''}: ${problem.message}\n`);
      const heads = publishedHeads ? `, ${result.headsChecked} published head(s) checked` : '';
      io.out(
        result.ok
          ? `OK ${result.rows} rows, head ${result.head ? `${result.head.seq}:${result.head.hash}` : 'none'}${heads}\n`
          : `FAILED ${result.problems.length} problem(s) in ${result.rows} rows${heads}\n`,
      );
      io.setExitCode(result.ok ? 0 : 1);
    });
}

function readHeadsFile(path: string) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new MadoguchiError('INPUT_INVALID', `--heads ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return readPublishedHeads(text, path);
}

function addHeads(program: Command, io: CliIo, withDatabase: WithDatabase): void {
  const head = program.command('head').description('signed heads of the chain');
  head
    .command('export')
    .description('sign the newest row now (unless signed already) and write every signed head as JSON lines')
    .option('--out <file>', 'write the heads here (default: stdout)')
    .action(async (opts: { out?: string }) => {
      const state = program.opts<DatabaseOptions>().state;
      const { signed, heads } = await withDatabase(async (database) => {
        const result = await signChainHead(
          database,
          ensureChainHeadKey(state),
          { mode: 'demand', publishDir: publishDirOf(state) },
          new Date(),
        );
        return { signed: result, heads: await storedHeads(database.db) };
      });
      if (opts.out) writeFileSync(opts.out, headsAsJsonLines(heads));
      else io.out(headsAsJsonLines(heads));
      const what = signed
        ? `${signed.created ? 'signed' : 'already signed'} head ${signed.head.seq}:${signed.head.hash}`
        : 'no rows to sign';
      io.err(`${what}; ${heads.length} head(s)${opts.out ? ` written to ${opts.out}` : ''}\n`);
    });
}

function addIncidents(program: Command, io: CliIo, withDatabase: WithDatabase): void {
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
  for (const action of ['acknowledge', 'resolve'] as const) {
    const command = program
      .command(`${action} <incidentId>`)
      .description(`${action} an incident (the note stays in the incidents table; the history records who and which)`)
      .requiredOption('--operator <id>', 'id of the operator (an id, not a name)');
    if (action === 'resolve') command.requiredOption('--note <text>', 'what was done');
    else command.option('--note <text>', 'an optional note');
    command.action(async (incidentId: string, opts: { operator: string; note?: string }) => {
      const operatorId = opts.operator.trim();
      const note = opts.note?.trim() || null;
      if (operatorId.length === 0 || (action === 'resolve' && !note))
        throw new MadoguchiError('INPUT_INVALID', `${action} needs --operator${action === 'resolve' ? ' and --note' : ''}`);
      const incident = await withDatabase((database) =>
        triageIncident(database, incidentId, { action, note, by: { operatorId } }, new Date()),
      );
      io.out(`${incident.kind} ${incident.incidentId} ${action === 'acknowledge' ? 'acknowledged' : 'resolved'}\n`);
    });
  }
}

function addDispose(program: Command, io: CliIo, withDatabase: WithDatabase): void {
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
      const found = await withDatabase((database) =>
        recordDisposal(database, { issueNumber, reason: opts.reason, by: { operatorId } }, new Date()),
      );
      io.out(found ? 'disposal recorded\n' : 'no document with that issue number\n');
      io.setExitCode(found ? 0 : 1);
    });
}

if (isMain(import.meta.url)) void runProgram(auditProgram, process.argv.slice(2));
