/**
 * Kiosks, resident authentication, issuances and their documents, idempotency keys, incidents and
 * the hash-chained audit history. Portable DDL (varchar/text/integer) except the triggers that make
 * audit_events append-only, which each database spells its own way.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.js';

// eslint-disable-next-line max-lines-per-function -- one migration's list of table definitions: splitting it would only scatter the schema
async function up(db: Kysely<unknown>, kind: 'sqlite' | 'postgres'): Promise<void> {
  const s = db.schema;
  await s
    .createTable('kiosks')
    .addColumn('terminal_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('printer_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('store_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('store_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('enrolled_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(40)')
    .execute();

  await s
    .createTable('kiosk_certificates')
    .addColumn('certificate_sha256', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull().references('kiosks.terminal_id'))
    .addColumn('serial_number', 'varchar(80)', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('not_after', 'varchar(40)', (c) => c.notNull())
    .addColumn('issued_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(40)')
    .execute();

  await s
    .createTable('challenges')
    .addColumn('challenge_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('challenge_hex', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(40)')
    .execute();
  await s.createIndex('challenges_expires').on('challenges').column('expires_at').execute();

  await s
    .createTable('sessions')
    .addColumn('session_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('auth_certificate_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('auth_not_after', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('issuances')
    .addColumn('issuance_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('certificate_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('options_json', 'text', (c) => c.notNull())
    .addColumn('copies', 'integer', (c) => c.notNull())
    .addColumn('fee_yen', 'integer', (c) => c.notNull())
    .addColumn('total_yen', 'integer', (c) => c.notNull())
    .addColumn('paid_yen', 'integer')
    .addColumn('refund_yen', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('failure_code', 'varchar(60)')
    .addColumn('auth_certificate_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('issuances_state_updated').on('issuances').columns(['state', 'updated_at']).execute();
  await s.createIndex('issuances_session').on('issuances').column('session_id').execute();

  await s
    .createTable('issuance_documents')
    .addColumn('issue_number', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('issuance_id', 'varchar(36)', (c) => c.notNull().references('issuances.issuance_id'))
    .addColumn('copy_index', 'integer', (c) => c.notNull())
    .addColumn('page_count', 'integer')
    .addColumn('page_issue_numbers_json', 'text')
    .addColumn('document_sha256', 'varchar(64)')
    .addColumn('binding_json', 'text')
    .addColumn('binding_signature', 'text')
    .addColumn('pdf_base64', 'text')
    .addColumn('pdf_deleted_at', 'varchar(40)')
    .addColumn('print_outcome', 'varchar(20)')
    .addColumn('print_reason_code', 'varchar(60)')
    .addColumn('reported_at', 'varchar(40)')
    .addUniqueConstraint('issuance_documents_copy', ['issuance_id', 'copy_index'])
    .execute();

  await s
    .createTable('issue_sequences')
    .addColumn('terminal_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .execute();

  await s
    .createTable('idempotency_keys')
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(36)', (c) => c.notNull())
    .addColumn('operation', 'varchar(40)', (c) => c.notNull())
    .addColumn('request_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(10)', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_json', 'text')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['terminal_id', 'idempotency_key'])
    .execute();

  await s
    .createTable('incidents')
    .addColumn('incident_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(60)', (c) => c.notNull())
    .addColumn('issuance_id', 'varchar(36)')
    .addColumn('terminal_id', 'varchar(40)')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('resolved_at', 'varchar(40)')
    .execute();

  await s
    .createTable('audit_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('event', 'varchar(40)', (c) => c.notNull())
    .addColumn('issuance_id', 'varchar(36)')
    .addColumn('store_code', 'varchar(40)')
    .addColumn('terminal_id', 'varchar(40)')
    .addColumn('resident_id', 'varchar(200)')
    .addColumn('municipality_code', 'varchar(6)')
    .addColumn('certificate_type', 'varchar(40)')
    .addColumn('options_json', 'text')
    .addColumn('copies', 'integer')
    .addColumn('page_count', 'integer')
    .addColumn('issue_numbers_json', 'text')
    .addColumn('detail_json', 'text')
    .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull().unique())
    .execute();
  await s.createIndex('audit_events_issuance').on('audit_events').column('issuance_id').execute();

  await makeAuditEventsAppendOnly(db, kind);
}

// Append-only at the database too: the application never updates or deletes history. Someone
// with DDL rights can drop these triggers; the hash chain is what detects that (audit verify).
async function makeAuditEventsAppendOnly(db: Kysely<unknown>, kind: 'sqlite' | 'postgres'): Promise<void> {
  if (kind === 'sqlite') {
    await sql`create trigger audit_events_no_update before update on audit_events begin select raise(abort, 'audit_events is append-only'); end`.execute(
      db,
    );
    await sql`create trigger audit_events_no_delete before delete on audit_events begin select raise(abort, 'audit_events is append-only'); end`.execute(
      db,
    );
  } else {
    await sql`create function audit_events_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_events is append-only'; end $$`.execute(
      db,
    );
    await sql`create trigger audit_events_no_change before update or delete on audit_events for each row execute function audit_events_append_only()`.execute(
      db,
    );
  }
}

export const issuance: Migration = { id: '0100_issuance', up };
