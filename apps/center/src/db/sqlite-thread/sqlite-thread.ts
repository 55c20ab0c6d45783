/**
 * The SQLite thread: the center's one better-sqlite3 connection, opened and used only here, so the
 * thread that accepts kiosk connections never waits on SQLite (better-sqlite3 answers
 * synchronously: on the main thread every query held up every TLS accept and every other kiosk).
 * Statements run one at a time in arrival order, as the Kysely connection sent them; transactions
 * are the driver's (BEGIN IMMEDIATE is an ordinary statement here).
 *
 * A unit of work (db/database.ts runUnit) runs here whole, on a Kysely of this thread over the same
 * connection and the same prepared statements: its awaits are microtasks (better-sqlite3 answers at
 * once), so its transaction commits without waiting for any other thread. The sender holds the
 * connection meanwhile, so no statement of another transaction arrives until the unit has answered.
 */
import BetterSqlite3, { type Statement } from 'better-sqlite3';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { CenterDatabase } from '../database.js';
import type { Database } from '../schema.js';
import type {
  SqliteCloseMessage,
  SqliteLoadUnitsMessage,
  SqliteQueryMessage,
  SqliteReplyMessage,
  SqliteThreadError,
  SqliteThreadReady,
  SqliteThreadSetup,
  SqliteUnitMessage,
} from './messages.js';
import { openSqlite } from './open-sqlite.js';
import { parameterCount, recordStatement, sqliteStatsEnabled, startSqliteStats, threadCpuUs, timeUnit } from '../sqlite-stats.js';

const port = parentPort;
if (!port) throw new Error('sqlite-thread must run in a worker thread');
const setup = workerData as SqliteThreadSetup;

const errorOf = (error: unknown): SqliteThreadError => {
  const { message, code, name, detail, issues } = (error ?? {}) as {
    message?: unknown;
    code?: unknown;
    name?: unknown;
    detail?: unknown;
    issues?: unknown;
  };
  // A unit's MadoguchiError (known by its name: the shared package is loaded only with the units).
  const madoguchi =
    name === 'MadoguchiError' && typeof code === 'string'
      ? {
          code,
          ...(typeof detail === 'string' ? { detail } : {}),
          ...(Array.isArray(issues) ? { issues: issues as { path: string; message: string }[] } : {}),
        }
      : undefined;
  return { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}), ...(madoguchi ? { madoguchi } : {}) };
};

let db: BetterSqlite3.Database;
try {
  db = openSqlite(setup);
  port.postMessage({ ready: true } satisfies SqliteThreadReady);
} catch (error) {
  port.postMessage({ ready: false, error: errorOf(error) } satisfies SqliteThreadReady);
  process.exit(0);
}

/**
 * Prepared statements by their SQL: Kysely compiles the same few hundred texts again and again, and
 * preparing one cost ~7% of the center's thread (issue 14). Bounded, as a console search can
 * compile texts that vary with its filters.
 */
const MAX_STATEMENTS = 500;
const statements = new Map<string, Statement>();

function statementFor(sql: string): Statement {
  let statement = statements.get(sql);
  if (statement) return statement;
  statement = db.prepare(sql);
  if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
  statements.set(sql, statement);
  return statement;
}

/** What Kysely's SQLite driver uses of a statement; timed per SQL text when MADOGUCHI_SQLITE_STATS=1 (db/sqlite-stats.ts). */
type Runnable = Pick<Statement, 'reader' | 'all' | 'run' | 'iterate'>;

function timed(sql: string, statement: Statement): Runnable {
  return {
    reader: statement.reader,
    all: (...parameters: unknown[]) => {
      const [started, cpuStarted] = [performance.now(), threadCpuUs()];
      try {
        return statement.all(...parameters);
      } finally {
        recordStatement(sql, (performance.now() - started) * 1000, threadCpuUs() - cpuStarted);
      }
    },
    run: (...parameters: unknown[]) => {
      const [started, cpuStarted] = [performance.now(), threadCpuUs()];
      try {
        return statement.run(...parameters);
      } finally {
        recordStatement(sql, (performance.now() - started) * 1000, threadCpuUs() - cpuStarted);
      }
    },
    // The center never streams (its driver refuses to).
    iterate: (...parameters: unknown[]) => statement.iterate(...parameters),
  } as Runnable;
}

const runnableFor = (sql: string): Runnable => (sqliteStatsEnabled ? timed(sql, statementFor(sql)) : statementFor(sql));
startSqliteStats((sql) => {
  if (!/^\s*(select|insert|update|delete|with)\b/i.test(sql)) return [];
  try {
    const plan = db.prepare(`explain query plan ${sql}`).all(new Array(parameterCount(sql)).fill(null)) as { detail: string }[];
    return plan.map((step) => step.detail);
  } catch (error) {
    return [`(no plan: ${errorOf(error).message})`];
  }
});

function run({ id, sql, parameters }: SqliteQueryMessage): SqliteReplyMessage {
  try {
    const statement = runnableFor(sql);
    if (statement.reader) return { id, rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { id, rows: [], changes, lastInsertRowid };
  } catch (error) {
    return { id, error: errorOf(error) };
  }
}

/**
 * The WAL checkpointer (checkpoint-thread.mjs), started with the units: a serving center's commits then no longer copy
 * the log back into the database and wait for its fsyncs themselves (every 1,000 pages of log: each issuance writes
 * its PDF and then deletes it), during which no other unit or statement could run. The automatic
 * checkpoint stays on behind it. A CLI or a migration, which loads no units, checkpoints as before; so does
 * MADOGUCHI_SQLITE_CHECKPOINT_THREAD=0.
 */
let checkpointer: Worker | null = null;

function startCheckpointer(): void {
  if (checkpointer || setup.path === ':memory:' || process.env.MADOGUCHI_SQLITE_CHECKPOINT_THREAD === '0') return;
  const worker = new Worker(new URL('./checkpoint-thread.mjs', import.meta.url), { workerData: { path: setup.path } });
  // An error there (it catches its own) must not end this thread: the commits' automatic checkpoints go on.
  worker.on('error', () => undefined);
  worker.unref();
  checkpointer = worker;
}

/** Stops the checkpointer before the connection closes, so the last close checkpoints and removes the WAL as before. */
async function stopCheckpointer(): Promise<void> {
  const worker = checkpointer;
  checkpointer = null;
  if (!worker) return;
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    worker.once('message', done);
    worker.once('exit', done);
    worker.postMessage({ close: true });
    setTimeout(done, 2000).unref();
  });
  await worker.terminate();
}

/** Statements run by units, for the benchmarks' count (the sender holds the connection: one unit at a time). */
let unitStatements = 0;

/**
 * The units and this thread's Kysely over the connection, loaded with the first unit: a thread that only
 * answers statements (a CLI, a migration) never loads the issuance code.
 */
let units: Promise<{
  database: CenterDatabase;
  registry: ReadonlyMap<string, (database: CenterDatabase, args: unknown) => Promise<unknown>>;
}> | null = null;

async function loadUnits(): Promise<NonNullable<Awaited<typeof units>>> {
  const [{ Kysely, SqliteDialect }, { unitRegistry }] = await Promise.all([import('kysely'), import('./unit-registry.js')]);
  const connection = {
    prepare: (sql: string) => {
      unitStatements++;
      return runnableFor(sql);
    },
    // The connection is this thread's, closed by the close message, never by the units' Kysely.
    close: () => undefined,
  };
  const unitsDb = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  startCheckpointer();
  return { database: { db: unitsDb, kind: 'sqlite', close: async () => undefined }, registry: unitRegistry };
}

async function runUnit({ id, unit, args }: SqliteUnitMessage): Promise<SqliteReplyMessage> {
  const before = unitStatements;
  try {
    const { database, registry } = await (units ??= loadUnits());
    const run = registry.get(unit);
    if (!run) throw new Error(`no unit of work named ${unit}`);
    const result = sqliteStatsEnabled ? await timeUnit(unit, () => run(database, args)) : await run(database, args);
    return { id, result, statements: unitStatements - before };
  } catch (error) {
    return { id, error: errorOf(error), statements: unitStatements - before };
  }
}

function answer(reply: SqliteReplyMessage): void {
  try {
    port!.postMessage(reply);
  } catch (error) {
    // A result that cannot be cloned is the unit's bug: its caller gets an error, the thread goes on.
    port!.postMessage({ id: reply.id, error: errorOf(error) } satisfies SqliteReplyMessage);
  }
}

port.on('message', (message: SqliteQueryMessage | SqliteUnitMessage | SqliteLoadUnitsMessage | SqliteCloseMessage) => {
  if ('close' in message) {
    void stopCheckpointer().then(() => {
      statements.clear();
      db.close();
      port.postMessage({ id: message.id, rows: [] } satisfies SqliteReplyMessage);
    });
    return;
  }
  if ('unit' in message) {
    void runUnit(message).then(answer);
    return;
  }
  if ('loadUnits' in message) {
    void (units ??= loadUnits()).then(
      () => answer({ id: message.id, rows: [] }),
      (error: unknown) => answer({ id: message.id, error: errorOf(error) }),
    );
    return;
  }
  port.postMessage(run(message));
});
