/**
 * A digest of every table's rows of a center database, in a stable order, for tests that show a
 * call (or a batch of them) changed nothing: compare the digests before and after.
 */
import { createHash } from 'node:crypto';
import type { CenterDatabase } from '@madoguchi/center';

export interface DigestOptions {
  /** Columns left out per table (e.g. a session's last use, which every call moves). */
  ignoreColumns?: Record<string, string[]>;
  /** Rows left out (e.g. history rows that record a read). */
  ignoreRow?: (table: string, row: Record<string, unknown>) => boolean;
  /** Tables left out (e.g. a test's own bookkeeping). */
  ignoreTables?: (table: string) => boolean;
}

export async function digestOfAllTables(database: CenterDatabase, options: DigestOptions = {}): Promise<Record<string, string>> {
  const { db } = database;
  const tables = (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((n) => !n.startsWith('kysely_') && !options.ignoreTables?.(n));
  const digests: Record<string, string> = {};
  for (const table of tables.sort()) {
    const rows = await db
      .selectFrom(table as 'staff_users')
      .selectAll()
      .execute();
    const lines = rows
      .filter((row) => !options.ignoreRow?.(table, row as Record<string, unknown>))
      .map((row) => {
        const copy: Record<string, unknown> = { ...row };
        for (const column of options.ignoreColumns?.[table] ?? []) delete copy[column];
        return JSON.stringify(copy, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v));
      });
    digests[table] = createHash('sha256').update(lines.sort().join('\n')).digest('hex');
  }
  return digests;
}
