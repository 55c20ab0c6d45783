import type { MunicipalTables } from './tables/municipal.js';
import type { IssuanceTables } from './tables/issuance.js';
import type { StaffTables } from './tables/staff.js';
import type { OperationsTables } from './tables/operations.js';

export interface SchemaMigrationsTable {
  id: string;
  applied_at: string;
}

/** Every table of the center. Each concern declares its own tables in db/tables/*.ts. */
export interface Database extends MunicipalTables, IssuanceTables, StaffTables, OperationsTables {
  schema_migrations: SchemaMigrationsTable;
}
