/**
 * Kysely's SQLite dialect with better-sqlite3 in a worker thread of its own (sqlite-thread.ts)
 * instead of on the thread that serves kiosks. Measured on the center (issue 14 item 5): with
 * better-sqlite3 in-thread the main thread was ~97% busy, a third of it inside SQLite, and new TLS
 * connections waited seconds to be accepted. Here each statement is a message to the SQLite thread
 * and its answer a message back; the serving thread only waits for it.
 *
 * Like Kysely's own SQLite driver there is one connection, lent to one caller at a time (a
 * transaction keeps it until commit or rollback), so the transaction rules of db/database.ts
 * (BEGIN IMMEDIATE for writes, one snapshot per read transaction) hold unchanged.
 *
 * A unit of work (db/database.ts runUnit) is one message too: the caller borrows the connection as a
 * transaction does, so a unit never runs inside another caller's transaction, and the thread runs the
 * unit's statements and transactions itself, without waiting on this thread between them.
 */
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { MadoguchiError, isErrorCode } from '@madoguchi/shared';
import type {
  SqliteQueryMessage,
  SqliteReplyMessage,
  SqliteThreadError,
  SqliteThreadReady,
  SqliteThreadSetup,
  SqliteUnitMessage,
} from './messages.js';

/** The error as the caller would have seen it in-thread: a catalog error keeps its code (and so its HTTP status). */
const errorFrom = ({ message, code, madoguchi }: SqliteThreadError): Error => {
  if (madoguchi && isErrorCode(madoguchi.code)) return new MadoguchiError(madoguchi.code, madoguchi.detail, madoguchi.issues);
  return Object.assign(new Error(message), code ? { code } : {});
};

/** Messages sent to the SQLite thread (statements and units), and statements the units ran there. */
export interface SqliteThreadCounts {
  messages: number;
  unitStatements: number;
}

/** The worker and the answers it still owes, by message id. */
class SqliteThread {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: SqliteReplyMessage) => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;
  readonly counts: SqliteThreadCounts = { messages: 0, unitStatements: 0 };

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: SqliteReplyMessage) => {
      if ('statements' in reply && reply.statements) this.counts.unitStatements += reply.statements;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiter?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the SQLite thread exited (${code})`)));
  }

  static async start(setup: SqliteThreadSetup): Promise<SqliteThread> {
    const worker = new Worker(new URL('./thread-entry.mjs', import.meta.url), { workerData: setup });
    const listeners: { error?: (error: Error) => void; exit?: (code: number) => void } = {};
    const ready = await new Promise<SqliteThreadReady>((resolve, reject) => {
      listeners.error = reject;
      listeners.exit = (code) => reject(new Error(`the SQLite thread exited (${code}) before opening ${setup.path}`));
      worker.once('message', resolve);
      worker.once('error', listeners.error);
      worker.once('exit', listeners.exit);
    }).finally(() => {
      // Only these two: a Worker keeps listeners of its own (removeAllListeners() stops its messages).
      worker.off('error', listeners.error!);
      worker.off('exit', listeners.exit!);
    });
    if (!ready.ready) {
      await worker.terminate();
      throw errorFrom(ready.error);
    }
    return new SqliteThread(worker);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  async ask(
    message: Omit<SqliteQueryMessage, 'id'> | Omit<SqliteUnitMessage, 'id'> | { loadUnits: true } | { close: true },
  ): Promise<SqliteReplyMessage> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    this.counts.messages++;
    const reply = new Promise<SqliteReplyMessage>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.postMessage({ id, ...message });
    return reply;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.ask({ close: true });
    this.failure ??= new Error('the SQLite thread is closed');
    await this.worker.terminate();
  }
}

class SqliteThreadConnection implements DatabaseConnection {
  constructor(private readonly thread: SqliteThread) {}

  async executeQuery<R>({ sql, parameters }: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.thread.ask({ sql, parameters });
    if ('error' in reply) throw errorFrom(reply.error);
    if (!('rows' in reply)) throw new Error('the SQLite thread answered a statement without rows');
    // One shape for every answer (Kysely reads an absent count as undefined alike): no object spread per statement.
    return {
      rows: reply.rows as R[],
      numAffectedRows: reply.changes !== undefined ? BigInt(reply.changes) : undefined,
      insertId: reply.lastInsertRowid !== undefined ? BigInt(reply.lastInsertRowid) : undefined,
    };
  }

  // eslint-disable-next-line require-yield -- Kysely asks every connection for streaming; the center never streams.
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('the SQLite thread does not stream');
  }
}

class SqliteThreadDriver implements Driver {
  thread: SqliteThread | null = null;
  private connection: SqliteThreadConnection | null = null;
  /** Whether the one connection is lent out; who waits for it next, first come first served. */
  private lent = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly setup: SqliteThreadSetup) {}

  async init(): Promise<void> {
    this.thread = await SqliteThread.start(this.setup);
    this.connection = new SqliteThreadConnection(this.thread);
  }

  /**
   * Lends the one connection, or queues for it. A release hands it to the first waiter only: Kysely's SqliteDriver
   * has every waiter await the same promise and race again at each release, so with dozens of requests queued on
   * the serving thread each statement woke them all (acquire and release were ~1 s of its CPU profile per
   * 800 issuances under the 200-kiosk fleet).
   */
  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.lent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.lent = true;
    return this.connection!;
  }

  async releaseConnection(): Promise<void> {
    const next = this.waiting.shift();
    // Still lent: to the next borrower, who resumes with it.
    if (next) next();
    else this.lent = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.thread?.close();
    this.thread = null;
  }
}

export class SqliteThreadDialect implements Dialect {
  private driver: SqliteThreadDriver | null = null;
  constructor(private readonly setup: SqliteThreadSetup) {}
  createDriver(): Driver {
    this.driver = new SqliteThreadDriver(this.setup);
    return this.driver;
  }

  /** The unit's result, run in the thread. The caller holds the connection (db/database.ts openDatabase). */
  async runUnit(unit: string, args: unknown): Promise<unknown> {
    const thread = this.driver?.thread;
    if (!thread) throw new Error('the SQLite thread is not open');
    const reply = await thread.ask({ unit, args });
    if ('error' in reply) throw errorFrom(reply.error);
    if (!('result' in reply)) throw new Error(`the SQLite thread answered unit ${unit} without a result`);
    return reply.result;
  }

  /**
   * Loads the units in the thread now. The first unit would load them otherwise: the issuance code through tsx,
   * measured at 4.3 s at load 9 on this machine, paid by the first resident after every center start.
   */
  async loadUnits(): Promise<void> {
    const thread = this.driver?.thread;
    if (!thread) throw new Error('the SQLite thread is not open');
    const reply = await thread.ask({ loadUnits: true });
    if ('error' in reply) throw errorFrom(reply.error);
  }

  counts(): SqliteThreadCounts {
    return { ...(this.driver?.thread?.counts ?? { messages: 0, unitStatements: 0 }) };
  }
  createQueryCompiler(): SqliteQueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): SqliteAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): SqliteIntrospector {
    return new SqliteIntrospector(db);
  }
}
