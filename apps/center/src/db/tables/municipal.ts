/** Kysely table types for municipal data (residents, registers, policy…). Owned by the residents/policy modules. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as tables are added by migrations
export interface MunicipalTables {}
