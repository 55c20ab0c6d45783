/** What the center's thread and its SQLite thread say to each other (sqlite-thread.ts, sqlite-thread-driver.ts). */

export interface SqliteThreadSetup {
  path: string;
  fileMustExist: boolean;
}

export type SqliteThreadReady = { ready: true } | { ready: false; error: SqliteThreadError };

export interface SqliteThreadError {
  message: string;
  /** better-sqlite3's SQLITE_* code, kept so a caller sees the same error as in-thread. */
  code?: string;
  /** A MadoguchiError thrown by a unit of work: its catalog code, detail and issues, made again on the other side. */
  madoguchi?: { code: string; detail?: string; issues?: readonly { path: string; message: string }[] };
}

export interface SqliteQueryMessage {
  id: number;
  sql: string;
  parameters: readonly unknown[];
}

/** Run a unit of work (db/database.ts UnitOfWork, listed in unit-registry.ts) with its arguments. */
export interface SqliteUnitMessage {
  id: number;
  unit: string;
  args: unknown;
}

/** Load the units (and the issuance code they import) now, answered with no rows once loaded. */
export interface SqliteLoadUnitsMessage {
  id: number;
  loadUnits: true;
}

export interface SqliteCloseMessage {
  id: number;
  close: true;
}

export type SqliteReplyMessage =
  | { id: number; rows: unknown[]; changes?: number | bigint; lastInsertRowid?: number | bigint }
  | { id: number; error: SqliteThreadError; statements?: number }
  /** A unit's result, and how many statements it ran (counted for benchmarks). */
  | { id: number; result: unknown; statements: number };
