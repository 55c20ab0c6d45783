import { sql, type Kysely } from 'kysely';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from './database.js';
import { migrations as defaultMigrations, type Migration } from './migrations/index.js';

export interface MigrationResult {
  applied: string[];
  current: string | null;
}

/**
 * Apply pending migrations, all in one transaction, under a lock so several center processes
 * starting at once apply each migration exactly once.
 */
export async function migrate(database: CenterDatabase, migrations: Migration[] = defaultMigrations): Promise<MigrationResult> {
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length) throw new Error('duplicate migration id');
  if ([...ids].sort().join() !== ids.join()) throw new Error('migration ids must be listed in sorted order');

  const run = async (db: Kysely<unknown>) => {
    await sql`create table if not exists schema_migrations (id varchar(200) primary key, applied_at varchar(40) not null)`.execute(db);
    const rows = await sql<{ id: string }>`select id from schema_migrations order by id`.execute(db);
    const applied = rows.rows.map((r) => r.id);
    const unknown = applied.filter((id) => !ids.includes(id));
    if (unknown.length > 0) {
      throw new MadoguchiError('DATABASE_TOO_NEW', `database has migrations this program does not know: ${unknown.join(', ')}`);
    }
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.includes(m.id)) continue;
      await m.up(db, database.kind);
      await sql`insert into schema_migrations (id, applied_at) values (${m.id}, ${new Date().toISOString()})`.execute(db);
      done.push(m.id);
    }
    return { applied: done, current: ids.at(-1) ?? null };
  };

  if (database.kind === 'postgres') {
    return database.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(7320001)`.execute(trx);
      return run(trx as unknown as Kysely<unknown>);
    });
  }
  return database.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await run(conn as unknown as Kysely<unknown>);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
