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
}

export interface SqliteQueryMessage {
  id: number;
  sql: string;
  parameters: readonly unknown[];
}

export interface SqliteCloseMessage {
  id: number;
  close: true;
}

export type SqliteReplyMessage =
  { id: number; rows: unknown[]; changes?: number | bigint; lastInsertRowid?: number | bigint } | { id: number; error: SqliteThreadError };
