/**
 * A center database read on a better-sqlite3 connection of this thread, its statements kept prepared by SQL text as
 * the SQLite thread keeps them (db/sqlite-thread/sqlite-thread.ts): what a unit of work runs on, for benchmarks that
 * time the center's read code without the messages to that thread (eligibility-cpu.ts, policy-read.ts). Read-only;
 * better-sqlite3 is the center's own, resolved through @madoguchi/center (as test/fuzz/support/read-only-sqlite.ts does).
 */
import { createRequire } from 'node:module';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { CenterDatabase } from '@madoguchi/center/db';

type OpenSqlite = new (path: string, options: { readonly: boolean }) => SqliteDatabase & { prepare(sql: string): SqliteStatement };

export function openInThreadSqlite(path: string): { database: CenterDatabase; close: () => void } {
  const require = createRequire(import.meta.url);
  const BetterSqlite3 = createRequire(require.resolve('@madoguchi/center'))('better-sqlite3') as OpenSqlite;
  const sqlite = new BetterSqlite3(path, { readonly: true });
  const prepared = new Map<string, SqliteStatement>();
  const connection = {
    prepare: (sql: string) => {
      let statement = prepared.get(sql);
      if (!statement) prepared.set(sql, (statement = sqlite.prepare(sql)));
      return statement;
    },
    close: () => undefined,
  };
  const database: CenterDatabase = {
    db: new Kysely({ dialect: new SqliteDialect({ database: connection }) }),
    kind: 'sqlite',
    close: async () => undefined,
  };
  return { database, close: () => sqlite.close() };
}
