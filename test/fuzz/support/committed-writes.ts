/**
 * Counts committed writes on a SQLite center database, exactly and cheaply: a trigger on every
 * insert, update and delete of each table bumps one counter inside the writing transaction, so a
 * write rolled back (a refused call) leaves the counter as it was and a committed one moves it. One
 * read per fuzz input instead of a digest of every table (test/support/table-digest.ts, which the
 * targets take around whole batches).
 */
import { sql } from 'kysely';
import type { CenterDatabase } from '@madoguchi/center';

export interface WriteCounter {
  /** Committed writes so far, per table. */
  read(): Promise<Record<string, number>>;
}

/** Installs the triggers on every table of `database` but `except` (with the reason at the call). */
export async function countCommittedWrites(database: CenterDatabase, except: string[] = []): Promise<WriteCounter> {
  const { db } = database;
  const tables = (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => !name.startsWith('kysely_') && !name.startsWith('fuzz_') && !except.includes(name));
  await sql`create table fuzz_writes (tbl text primary key, n integer not null)`.execute(db);
  for (const table of tables) {
    await sql`insert into fuzz_writes (tbl, n) values (${table}, 0)`.execute(db);
    for (const op of ['insert', 'update', 'delete']) {
      await sql
        .raw(
          `create trigger "fuzz_${op}_${table}" after ${op} on "${table}" ` +
            `begin update fuzz_writes set n = n + 1 where tbl = '${table}'; end`,
        )
        .execute(db);
    }
  }
  return readCommittedWrites(database);
}

/**
 * The counter installed by countCommittedWrites, read through `database`: another handle on the same
 * file (a read-only one, support/read-only-sqlite.ts, when a center process of its own does the writing:
 * the triggers are in the file, so they count that process's commits too).
 */
export function readCommittedWrites(database: CenterDatabase): WriteCounter {
  return {
    async read() {
      const rows = await sql<{ tbl: string; n: number }>`select tbl, n from fuzz_writes where n > 0`.execute(database.db);
      return Object.fromEntries(rows.rows.map((r) => [r.tbl, Number(r.n)]));
    },
  };
}
