/**
 * A read-only handle on a SQLite center database that a center process of its own writes: the fuzz
 * targets' checks ("a refused input changed nothing") read the committed state through it. WAL lets
 * it read while the center commits, each read sees what committed before it, and being read-only it
 * cannot change what it checks. better-sqlite3 is the center's own (resolved through
 * @madoguchi/center, as test/load/sqlite-lock.ts does), synchronous on this thread: the fuzz targets
 * read between calls, never while one is being timed.
 */
import { createRequire } from 'node:module';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { CenterDatabase } from '@madoguchi/center';

type Schema = CenterDatabase['db'] extends Kysely<infer S> ? S : never;
type OpenSqlite = new (path: string, options: { readonly: boolean; fileMustExist: boolean; timeout: number }) => SqliteDatabase;

export function openReadOnlySqlite(path: string): CenterDatabase {
  const require = createRequire(import.meta.url);
  const BetterSqlite3 = createRequire(require.resolve('@madoguchi/center'))('better-sqlite3') as OpenSqlite;
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: 10_000 }) }),
  });
  return { db, kind: 'sqlite', close: () => db.destroy() };
}
