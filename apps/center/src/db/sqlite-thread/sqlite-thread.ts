/**
 * The SQLite thread: the center's one better-sqlite3 connection, opened and used only here, so the
 * thread that accepts kiosk connections never waits on SQLite (better-sqlite3 answers
 * synchronously: on the main thread every query held up every TLS accept and every other kiosk).
 * Statements run one at a time in arrival order, as the Kysely connection sent them; transactions
 * are the driver's (BEGIN IMMEDIATE is an ordinary statement here).
 */
import BetterSqlite3, { type Statement } from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type {
  SqliteCloseMessage,
  SqliteQueryMessage,
  SqliteReplyMessage,
  SqliteThreadError,
  SqliteThreadReady,
  SqliteThreadSetup,
} from './messages.js';
import { openSqlite } from './open-sqlite.js';

const port = parentPort;
if (!port) throw new Error('sqlite-thread must run in a worker thread');
const setup = workerData as SqliteThreadSetup;

const errorOf = (error: unknown): SqliteThreadError => {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) };
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

function run({ id, sql, parameters }: SqliteQueryMessage): SqliteReplyMessage {
  try {
    const statement = statementFor(sql);
    if (statement.reader) return { id, rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { id, rows: [], changes, lastInsertRowid };
  } catch (error) {
    return { id, error: errorOf(error) };
  }
}

port.on('message', (message: SqliteQueryMessage | SqliteCloseMessage) => {
  if ('close' in message) {
    statements.clear();
    db.close();
    port.postMessage({ id: message.id, rows: [] } satisfies SqliteReplyMessage);
    return;
  }
  port.postMessage(run(message));
});
