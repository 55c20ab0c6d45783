/**
 * One database layer over both topologies: the same Kysely queries run on the embedded SQLite file
 * (single node) and on PostgreSQL (several center processes). docs/misissuance.md#r7: one
 * program for every topology — never branch business logic on the dialect; only this file and the
 * migrations know which database is underneath.
 */
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  createQueryId,
  sql,
  type Compilable,
  type CompiledQuery,
  type QueryResult,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from './config.js';
import type { Database } from './schema.js';
import { instrumentPool, timed } from './pool-stats.js';
import { beginSnapshot } from './snapshot-reads.js';
import { SqliteThreadDialect, type SqliteThreadCounts } from './sqlite-thread/sqlite-thread-dialect.js';

export interface CenterDatabase {
  db: Kysely<Database>;
  kind: DatabaseConfig['kind'];
  close(): Promise<void>;
  /**
   * SQLite through its thread only: runs the unit of work named `name` inside the SQLite thread as one message
   * (runUnit). Absent on PostgreSQL and inside the SQLite thread itself, where a unit runs where it is called.
   */
  runUnitInThread?: (name: string, args: unknown) => Promise<unknown>;
  /** SQLite through its thread only: loads the units there now (a center before it listens), not at the first unit. */
  loadUnits?: () => Promise<void>;
  /** SQLite through its thread only, for benchmarks: messages sent to the thread, and statements units ran there. */
  threadCounts?: () => SqliteThreadCounts;
}

/**
 * A call's unit of work: its statements, transactions and the checks between them, as one function of the
 * database and arguments that survive structured cloning (rows, ids, Dates, numbers; results alike). On SQLite it
 * runs inside the SQLite thread as ONE message, so a write transaction holds the one connection for the time its
 * statements take, never across turns of the busy serving thread's event loop (docs/benchmarks.md#center-fleet:
 * a message per statement capped a center at ~29 issuances/s). On PostgreSQL it runs on the calling thread, as the
 * same code: one program for both topologies (docs/misissuance.md#r7). A unit throws MadoguchiError as anywhere
 * else; its code and detail cross the thread unchanged. Every unit is listed in sqlite-thread/unit-registry.ts.
 */
export interface UnitOfWork<A, R> {
  readonly name: string;
  readonly run: (database: CenterDatabase, args: A) => Promise<R>;
}

export function unitOfWork<A, R>(name: string, run: (database: CenterDatabase, args: A) => Promise<R>): UnitOfWork<A, R> {
  return { name, run };
}

/** `unit` with `args`, in the SQLite thread when there is one, else here. */
export function runUnit<A, R>(database: CenterDatabase, unit: UnitOfWork<A, R>, args: A): Promise<R> {
  if (database.runUnitInThread) return database.runUnitInThread(unit.name, args) as Promise<R>;
  return unit.run(database, args);
}

export interface OpenOptions {
  /**
   * Open only a SQLite file that already exists (operator CLIs: a mistyped path must not become a
   * new, empty database that then "verifies"). Throws SQLITE_CANTOPEN otherwise.
   */
  mustExist?: boolean;
}

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<CenterDatabase> {
  if (config.kind === 'sqlite') {
    // better-sqlite3 answers synchronously, so it runs in a thread of its own, never on the thread
    // that accepts and serves kiosks (sqlite-thread/sqlite-thread-dialect.ts: why and what it cost).
    const dialect = new SqliteThreadDialect({ path: config.path, fileMustExist: options.mustExist === true });
    const db = new Kysely<Database>({ dialect });
    // Open now, so a missing file (mustExist) or an unreadable one fails here, as it did in-thread.
    await sql`select 1`.execute(db);
    return {
      db,
      kind: 'sqlite',
      close: () => db.destroy(),
      // Borrowing the one connection first: a unit never runs while a transaction of this thread holds it.
      runUnitInThread: (name, args) => db.connection().execute(() => dialect.runUnit(name, args)),
      loadUnits: () => dialect.loadUnits(),
      threadCounts: () => dialect.counts(),
    };
  }
  // pg returns int8/numeric as strings by default; our counts and yen fit in a JS number.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: config.connectionString, max: config.maxConnections ?? 10 });
  // An idle connection the server cuts (PostgreSQL restarted, failed over) is an 'error' event on the
  // pool, which drops that client and opens a new one on next use; unheard, the event ends the process.
  pool.on('error', () => undefined);
  // A checked-out client (inside a transaction) has no listener of the pool's: a connection cut then is an
  // 'error' event on the client itself. The transaction's next statement fails with it (and rolls back);
  // unheard, the event ended the process (test/center/postgres-connection-loss.test.ts).
  pool.on('connect', (client) => client.on('error', () => undefined));
  instrumentPool(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/** A write transaction's statements to run with its COMMIT, by its pinned connection (PostgreSQL only). */
const commitStatements = new WeakMap<object, string[]>();

/** A value written into SQL text as a literal, for runAtCommit: a string (escaped by pg), a safe integer or null. */
export type SqlLiteral = (value: string | number | null, type: 'text' | 'integer') => string;

const sqlLiteral: SqlLiteral = (value, type) => {
  if (value === null) return `null::${type}`;
  if (type === 'integer') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error('runAtCommit: not an integer');
    return `${value}::integer`;
  }
  return `${pg.escapeLiteral(String(value))}::text`;
};

/**
 * Inside a PostgreSQL write transaction, keeps `statement` (SQL text, values as literals: no parameters in a
 * query of several statements) to run in the same round trip as the COMMIT, after everything else the
 * transaction does; its errors fail and roll back the transaction. Returns false, keeping nothing, anywhere
 * else (SQLite, or outside writeTransaction): the caller then runs its statement at once. commitsWithTransaction
 * tells beforehand.
 */
export function commitsWithTransaction(trx: object): boolean {
  return commitStatements.has(trx);
}

export function runAtCommit(trx: object, statement: (literal: SqlLiteral) => string): boolean {
  const kept = commitStatements.get(trx);
  if (!kept) return false;
  kept.push(statement(sqlLiteral));
  return true;
}

/**
 * Run `fn` in a write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE):
 * a deferred transaction that reads and then writes can fail with SQLITE_BUSY when another center
 * process wrote in between, instead of waiting for it.
 */
export async function writeTransaction<T>(
  database: CenterDatabase,
  fn: (trx: Transaction<Database>) => Promise<T>,
  options: { serializeAs?: string } = {},
): Promise<T> {
  if (database.kind === 'postgres') {
    return database.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      const atCommit: string[] = [];
      commitStatements.set(conn, atCommit);
      try {
        // `serializeAs` names work that must not interleave with itself across center processes
        // (e.g. imports whose checks read what they wrote); SQLite's BEGIN IMMEDIATE already does it.
        if (options.serializeAs) await sql`select pg_advisory_xact_lock(hashtext(${options.serializeAs}))`.execute(conn);
        // The same pinned-connection form as SQLite below, so runAtCommit can find this transaction.
        const result = await fn(conn as unknown as Transaction<Database>);
        // The statements kept for the commit and COMMIT itself go in ONE simple query (one round trip): a lock
        // they take (the audit chain's) is held for the server's few microseconds, never across a wait for this
        // process's event loop (docs/benchmarks.md#several-centers).
        await timed('commitRoundTrip', () => sql.raw([...atCommit, 'commit'].join(';\n')).execute(conn));
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      } finally {
        commitStatements.delete(conn);
      }
    });
  }
  return database.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      // Kysely has no public way to wrap an already-open transaction, so run the callback on the
      // pinned connection; it is the only connection of the SQLite dialect anyway.
      const result = await fn(conn as unknown as Transaction<Database>);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Run `fn` in a read transaction that sees one consistent snapshot: several queries that together
 * decide a certificate (resident, household, seal, measures) can never mix the state before and
 * after an import. PostgreSQL needs REPEATABLE READ for that (READ COMMITTED snapshots per
 * statement); a SQLite transaction is already a snapshot.
 */
export async function readTransaction<T>(database: CenterDatabase, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const inSnapshot = (trx: Transaction<Database>): Promise<T> => {
    beginSnapshot(trx);
    return fn(trx);
  };
  if (database.kind === 'postgres') return database.db.transaction().setIsolationLevel('repeatable read').execute(inSnapshot);
  return database.db.transaction().execute(inSnapshot);
}

/**
 * The JSON text in `column` without its top-level member `key`, computed by the database: for a read
 * that needs the record but not a large member of it (a seal registration's impression image, ~25 KB).
 * SQLite and PostgreSQL spell it differently; the caller's executor says which one it talks to.
 */
export function jsonWithout(db: Kysely<Database>, column: string, key: string): RawBuilder<string> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return sql<string>`(${sql.ref(column)}::jsonb - ${sql.lit(key)})::text`;
  return sql<string>`json_remove(${sql.ref(column)}, ${`$.${key}`})`;
}

/** What a prepared statement's builder is given in place of each named parameter (see preparedStatement). */
const PARAMETER_MARK = '\u0000madoguchi-parameter:';

interface Prepared<R> {
  query: CompiledQuery<R>;
  /** Per compiled parameter, in the dialect's order: the name its value is taken from, or null for a constant... */
  names: (string | null)[];
  /** ...whose value is this one. */
  constants: unknown[];
}

/**
 * A statement built and compiled once per Kysely instance (its SQL is the dialect's), then run with new values:
 * for the statements the serving thread sends at every kiosk call (idempotency keys, challenges), where building
 * and compiling the query anew cost ~10 µs of CPU each, more than sending it. `build` gets each name in `names`
 * as a marker value, in the place of that parameter; any other value it writes stays a constant. Only values are
 * ever parameters: what is run is the same statement the builder would have compiled with the values in place.
 * Read nothing at build time that may change: the statement is built once.
 */
export function preparedStatement<P extends object, R>(
  names: readonly (keyof P & string)[],
  build: (db: Kysely<Database>, parameters: P) => Compilable<R>,
): (db: Kysely<Database>, values: P) => Promise<QueryResult<R>> {
  const compiled = new WeakMap<Kysely<Database>, Prepared<R>>();
  const prepare = (db: Kysely<Database>): Prepared<R> => {
    const markers = Object.fromEntries(names.map((name) => [name, `${PARAMETER_MARK}${name}`])) as P;
    const query = build(db, markers).compile();
    const slots = query.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(PARAMETER_MARK) ? value.slice(PARAMETER_MARK.length) : null,
    );
    // A marker written into the SQL text, or a name that never became a parameter, would run another statement.
    const missing = names.filter((name) => !slots.includes(name));
    if (
      query.sql.includes(PARAMETER_MARK) ||
      missing.length > 0 ||
      slots.some((name) => name !== null && !(names as readonly string[]).includes(name))
    ) {
      throw new Error(`prepared statement: ${missing.join(', ') || 'a parameter'} is not a parameter of ${query.sql}`);
    }
    return { query, names: slots, constants: query.parameters.map((value, i) => (slots[i] === null ? value : undefined)) };
  };
  return async (db, values) => {
    let prepared = compiled.get(db);
    if (!prepared) {
      prepared = prepare(db);
      compiled.set(db, prepared);
    }
    const { query, names: slots, constants } = prepared;
    const parameters = slots.map((name, i) => (name === null ? constants[i] : (values as Record<string, unknown>)[name]));
    return await db.executeQuery<R>({ ...query, queryId: createQueryId(), parameters });
  };
}
