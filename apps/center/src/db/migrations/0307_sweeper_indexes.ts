/**
 * Indexes for the sweeper's two reads that scanned a table growing with every issuance (EXPLAIN QUERY PLAN under the
 * fleet benchmark, MADOGUCHI_SQLITE_STATS=1): the documents still holding their PDF (issuance_documents, a row per
 * copy ever printed, kept after the PDF is deleted; the sweeper read every row, inside its write transaction, every
 * sweepIntervalMs) and the idempotency keys past their TTL (a row per kiosk call for 24 hours). The first is partial:
 * only the documents whose PDF is still held — a few per kiosk at any time — are in it, so it stays small however many
 * documents the center has issued. Same DDL on SQLite and PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('issuance_documents_pdf_held')
    .on('issuance_documents')
    .column('issuance_id')
    .where(sql.ref('pdf_base64'), 'is not', null)
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}

export const sweeperIndexes: Migration = { id: '0307_sweeper_indexes', up };
