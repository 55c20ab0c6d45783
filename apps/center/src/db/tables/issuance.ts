/** Kysely table types for kiosks, challenges, sessions, issuances, documents and the audit chain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as tables are added by migrations
export interface IssuanceTables {}
