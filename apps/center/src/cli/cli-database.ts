/**
 * The database an operator CLI works on: --database (a SQLite path or postgres:// URL), else
 * MADOGUCHI_DATABASE_URL, else <state>/center.sqlite like the server (state: --state or
 * MADOGUCHI_CENTER_STATE, default .madoguchi/center). Migrated before use.
 */
import { join } from 'node:path';
import { databaseConfigFromEnv } from '../db/config.js';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';

export interface DatabaseOptions {
  state: string;
  database?: string;
}

export const defaultStateDir = process.env.MADOGUCHI_CENTER_STATE ?? '.madoguchi/center';

export async function withCliDatabase<T>(options: DatabaseOptions, fn: (database: CenterDatabase) => Promise<T>): Promise<T> {
  const env = options.database ? { ...process.env, MADOGUCHI_DATABASE_URL: options.database } : process.env;
  const database = await openDatabase(databaseConfigFromEnv(env, join(options.state, 'center.sqlite')));
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}
