/**
 * SQL statements and reply bytes per kiosk call (issue 14 item 5): counted, not timed, so the figure
 * is the same on a quiet machine and on a loaded one. Every statement the center sends through its
 * Kysely instance (transactions and the pinned write connection included) is counted by a plugin,
 * with the size of its answer's rows as JSON. One-page 住民票の写し issuances over real mutual TLS,
 * the center in this process (SQLite, or `--db postgres`). On SQLite also the messages the serving
 * thread sent to the SQLite thread (a statement, or a whole unit of work: db/database.ts runUnit) and
 * the statements those units ran inside it, which the plugin does not see.
 *
 *   pnpm exec tsx test/bench/center-statements.ts [--issuances 3] [--db sqlite|postgres] [--detail]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { migrate, openDatabase, type CenterDatabase } from '@madoguchi/center';
import { startCenter, signedAuthentication, challengeRequest, type CenterHarness } from '../center/support/center-harness.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

const { values: args } = parseArgs({
  options: {
    issuances: { type: 'string', default: '3' },
    db: { type: 'string', default: 'sqlite' },
    detail: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});

/** Statements by the kind of their root node and the tables they name, with the bytes of their rows. */
class StatementCounter implements KyselyPlugin {
  readonly counts = new Map<string, { statements: number; bytes: number }>();
  private readonly pending = new WeakMap<object, string>();

  readonly trace: string[] = [];

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    // Also called for a builder used inside another query (a subquery, a union's part): only results are counted.
    this.pending.set(queryId, describe(node) + (node.kind === 'RawNode' ? ` ${JSON.stringify(node.sqlFragments.join('?'))}` : ''));
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const described = this.pending.get(queryId) ?? 'raw';
    if (args.trace) this.trace.push(`      ${described}`);
    const what = described.startsWith('raw') ? 'raw' : described;
    const entry = this.counts.get(what) ?? { statements: 0, bytes: 0 };
    entry.statements++;
    entry.bytes += JSON.stringify(result.rows).length;
    this.counts.set(what, entry);
    return result;
  }

  take(): { statements: number; bytes: number; lines: string[] } {
    let statements = 0;
    let bytes = 0;
    const lines: string[] = [];
    for (const [what, e] of [...this.counts].sort((a, b) => b[1].bytes - a[1].bytes)) {
      statements += e.statements;
      bytes += e.bytes;
      lines.push(`      ${String(e.statements).padStart(3)} × ${what}: ${e.bytes} bytes`);
    }
    this.counts.clear();
    if (args.trace) lines.push('      in order:', ...this.trace.splice(0));
    return { statements, bytes, lines };
  }
}

function describe(node: RootOperationNode): string {
  const tables = new Set<string>();
  JSON.stringify(node, (key, value: unknown) => {
    if (key === 'table' && value && typeof value === 'object' && 'identifier' in value) {
      tables.add(String((value as { identifier: { name: string } }).identifier.name));
    }
    return value;
  });
  if (node.kind === 'RawNode') return 'raw';
  return `${node.kind.replace('QueryNode', '').toLowerCase()} ${[...tables].join(',')}`.trim();
}

// Not counted: the begin and commit of a Kysely transaction (readTransaction), which its driver sends
// and no plugin sees (two more statements a read snapshot; sql`begin immediate` / sql`commit` of a
// writeTransaction are counted, as 'raw').
async function run(database: CenterDatabase, label: string): Promise<void> {
  await migrate(database);
  const counter = new StatementCounter();
  const counted: CenterDatabase = { ...database, db: database.db.withPlugin(counter) };
  const center: CenterHarness = await startCenter(counted, { build: { sweeper: false }, renderWorkers: 1 });
  try {
    const kiosk = await center.enrollKiosk();
    const card = await center.issueCard(center.demo.batch.residents[0]!.residentId);
    const perCall = new Map<string, { statements: number; bytes: number; messages: number; unitStatements: number }>();
    const threadCounts = () => database.threadCounts?.() ?? { messages: 0, unitStatements: 0 };
    let lastCounts = threadCounts();
    const issuances = Number(args.issuances);
    for (let i = 0; i <= issuances; i++) {
      counter.take();
      lastCounts = threadCounts();
      const step = (call: string) => {
        const taken = counter.take();
        const counts = threadCounts();
        const messages = counts.messages - lastCounts.messages;
        const unitStatements = counts.unitStatements - lastCounts.unitStatements;
        lastCounts = counts;
        // The first issuance warms up (a first read of each policy); it is not counted.
        if (i === 0) return;
        const e = perCall.get(call) ?? { statements: 0, bytes: 0, messages: 0, unitStatements: 0 };
        e.statements += taken.statements;
        e.bytes += taken.bytes;
        e.messages += messages;
        e.unitStatements += unitStatements;
        perCall.set(call, e);
        if (args.detail && i === 1) process.stdout.write(`    ${call}\n${taken.lines.join('\n')}\n`);
      };
      const challenge = await kiosk.call('challenge', { body: challengeRequest() });
      if (!challenge.ok) throw new Error(`challenge ${challenge.status}`);
      step('challenge');
      const session = await kiosk.call('authenticate', { body: signedAuthentication(challenge.body, card) });
      if (!session.ok) throw new Error(`authenticate ${session.status}`);
      step('authenticate');
      const quote = await center.quote(kiosk, session.body.sessionId);
      if (!quote.ok) throw new Error(`quote ${quote.status}`);
      step('quote');
      const delivery = await center.pay(kiosk, quote.body);
      if (!delivery.ok) throw new Error(`pay ${delivery.status}`);
      step('pay');
      const printed = await center.reportPrint(kiosk, quote.body.issuanceId, {
        issueNumber: delivery.body.documents[0]!.binding.issueNumber,
      });
      if (!printed.ok) throw new Error(`printResult ${printed.status}`);
      step('printResult');
    }
    let statements = 0;
    let bytes = 0;
    let messages = 0;
    let unitStatements = 0;
    const per = (n: number) => (n / issuances).toFixed(1).padStart(6);
    // Messages to the SQLite thread, and the statements units ran there (SQLite only: 0 on PostgreSQL).
    const thread = (m: number, u: number) =>
      database.threadCounts ? `; ${per(m)} messages to the SQLite thread, ${per(u)} statements in units` : '';
    const lines = [...perCall].map(([call, e]) => {
      statements += e.statements;
      bytes += e.bytes;
      messages += e.messages;
      unitStatements += e.unitStatements;
      const rows = `${Math.round(e.bytes / issuances)} bytes of rows`;
      return `  ${call.padEnd(12)} ${per(e.statements)} statements, ${rows}${thread(e.messages, e.unitStatements)}`;
    });
    process.stdout.write(
      `${label}: per one-page issuance ${(statements / issuances).toFixed(1)} statements, ${Math.round(bytes / issuances)} bytes of rows` +
        `${thread(messages, unitStatements)} (${issuances} issuances after one warm-up)\n${lines.join('\n')}\n`,
    );
  } finally {
    await center.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-statements-'));
let postgres: PostgresServer | undefined;
try {
  if (args.db === 'postgres') {
    postgres = await startPostgres();
    const database = await openDatabase({ kind: 'postgres', connectionString: await postgres.createDatabase() });
    await run(database, 'postgres').finally(() => database.close());
  } else {
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'statements.sqlite') });
    await run(database, 'sqlite').finally(() => database.close());
  }
} finally {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
}
