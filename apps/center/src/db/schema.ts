import type { MunicipalTables } from './tables/municipal.js';
import type { IssuanceTables } from './tables/issuance.js';

export interface SchemaMigrationsTable {
  id: string;
  applied_at: string;
}

/** Every table of the center. Each concern declares its own tables in db/tables/*.ts. */
export interface Database extends MunicipalTables, IssuanceTables {
  schema_migrations: SchemaMigrationsTable;
}
