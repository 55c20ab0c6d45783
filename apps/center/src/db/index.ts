/**
 * The center's database: Kysely over SQLite (default) or PostgreSQL, and its forward-only
 * migrations. `@madoguchi/center` offers openDatabase and migrate to an app composing the center;
 * this entry (`@madoguchi/center/db`) adds what tests and tools reach for: the configuration type
 * and the migration list itself.
 */
export { openDatabase, writeTransaction, readTransaction, type CenterDatabase, type OpenOptions } from './database.js';
export { databaseConfigFromEnv, type DatabaseConfig } from './config.js';
export { migrate, type MigrationResult } from './migrate.js';
export { migrations, type Migration } from './migrations/index.js';
