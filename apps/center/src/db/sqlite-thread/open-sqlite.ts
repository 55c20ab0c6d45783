/** Opening the center's SQLite file with the settings every connection to it needs. */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { SqliteThreadSetup } from './messages.js';

export function openSqlite({ path, fileMustExist }: SqliteThreadSetup): BetterSqlite3.Database {
  if (path !== ':memory:' && !fileMustExist) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path, { fileMustExist });
  // WAL lets readers proceed while one writer commits; busy_timeout makes a second center
  // process on the same file wait for the lock instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  // The audit chain's hash, in the statement that appends a row (audit/chain.ts): SQLite has no SHA-256
  // of its own. UTF-8 bytes of the text, hex, as PostgreSQL's encode(sha256(convert_to(…, 'UTF8')), 'hex').
  sqlite.function('madoguchi_sha256_hex', { deterministic: true }, (text: unknown) =>
    createHash('sha256').update(String(text)).digest('hex'),
  );
  return sqlite;
}
