/**
 * The one way every operator CLI opens the center's database, with the server's options:
 * --database (a SQLite path or postgres:// URL), else MADOGUCHI_DATABASE_URL, else
 * <state>/center.sqlite (state: --state or MADOGUCHI_CENTER_STATE, default .madoguchi/center).
 *
 * A CLI opens only a database that exists and whose schema is this program's: a mistyped path or an
 * unset variable must fail loudly (DATABASE_NOT_FOUND), not create an empty database that `audit
 * verify` then calls intact. A schema older than the code is refused (DATABASE_TOO_OLD) unless the
 * operator asks for `--migrate` (which also creates a missing database: asked for, not silent);
 * newer is always refused (DATABASE_TOO_NEW).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { MadoguchiError } from '@madoguchi/shared';
import { databaseConfigFromEnv, type DatabaseConfig } from '../db/config.js';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { migrations } from '../db/migrations/index.js';

export interface DatabaseOptions {
  state: string;
  database?: string;
  /** Apply pending migrations (explicitly asked for; never done silently). */
  migrate?: boolean;
}

export const defaultStateDir = (env: NodeJS.ProcessEnv = process.env): string => env.MADOGUCHI_CENTER_STATE ?? '.madoguchi/center';

/** The common options of every operator CLI that works on the database. */
export function withDatabaseOptions(program: Command): Command {
  return program
    .option('--state <dir>', 'center state directory (MADOGUCHI_CENTER_STATE)', defaultStateDir())
    .option('--database <url>', 'SQLite path or postgres:// URL (default: MADOGUCHI_DATABASE_URL or <state>/center.sqlite)')
    .option('--migrate', 'create or migrate the database first (otherwise a missing database or an older schema is refused)');
}

/** Which database the options name, resolved the way the server resolves it. */
export function cliDatabaseConfig(options: DatabaseOptions, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const effective = options.database ? { ...env, MADOGUCHI_DATABASE_URL: options.database } : env;
  return databaseConfigFromEnv(effective, join(options.state, 'center.sqlite'));
}

const describeConfig = (config: DatabaseConfig): string => {
  if (config.kind === 'sqlite') return `SQLite file ${config.path}`;
  // The URL may carry a password: name only the host and database.
  const url = new URL(config.connectionString);
  return `PostgreSQL database ${url.pathname.slice(1)} on ${url.host}`;
};

/** Opens an existing center database and checks its schema against this program's migrations. */
export async function openExistingDatabase(config: DatabaseConfig, options: { migrate?: boolean } = {}): Promise<CenterDatabase> {
  let database: CenterDatabase;
  try {
    // --migrate is the operator asking for a database: it may create the SQLite file too.
    database = await openDatabase(config, { mustExist: !options.migrate });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MadoguchiError('DATABASE_NOT_FOUND', `${describeConfig(config)}: ${reason}`);
  }
  try {
    const applied = await appliedMigrations(database);
    if (applied === null || applied.length === 0) {
      if (!options.migrate)
        throw new MadoguchiError(
          'DATABASE_NOT_FOUND',
          `${describeConfig(config)} holds no center schema (start the center once, or pass --migrate to create it)`,
        );
    }
    const known = migrations.map((m) => m.id);
    const unknown = (applied ?? []).filter((id) => !known.includes(id));
    if (unknown.length > 0)
      throw new MadoguchiError(
        'DATABASE_TOO_NEW',
        `${describeConfig(config)} has migrations this program does not know: ${unknown.join(', ')}`,
      );
    const pending = known.filter((id) => !(applied ?? []).includes(id));
    if (pending.length > 0) {
      if (!options.migrate)
        throw new MadoguchiError(
          'DATABASE_TOO_OLD',
          `${describeConfig(config)} lacks migrations ${pending.join(', ')}; start the center or rerun with --migrate`,
        );
      await migrate(database);
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The ids in schema_migrations, or null when the table does not exist (not a center database). */
async function appliedMigrations(database: CenterDatabase): Promise<string[] | null> {
  const exists =
    database.kind === 'sqlite'
      ? await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'schema_migrations'`.execute(
          database.db,
        )
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
           where table_schema = current_schema() and table_name = 'schema_migrations'`.execute(database.db);
  if (Number(exists.rows[0]?.n ?? 0) === 0) return null;
  const rows = await sql<{ id: string }>`select id from schema_migrations order by id`.execute(database.db);
  return rows.rows.map((r) => r.id);
}

export async function withCliDatabase<T>(options: DatabaseOptions, fn: (database: CenterDatabase) => Promise<T>): Promise<T> {
  const database = await openExistingDatabase(cliDatabaseConfig(options), { migrate: options.migrate === true });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}
