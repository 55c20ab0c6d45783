/**
 * Staff accounts for the console (issue 11): users with their password hash and its parameters,
 * TOTP secret and the last time step used (a code is never accepted twice), recovery codes (hashed,
 * each used once), server-side sessions (idle and absolute expiry, ended at once when the account
 * is disabled or its role changes), one-time enrolment links, sign-in throttles per account and per
 * address, import API tokens (SHA-256 at rest, scoped to one municipality), and the import history.
 * Secrets are never stored in the clear: tokens and links as SHA-256, passwords and recovery codes
 * as scrypt hashes.
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s
    .createTable('staff_users')
    .addColumn('staff_id', 'varchar(48)', (c) => c.primaryKey())
    .addColumn('login_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('role', 'varchar(40)', (c) => c.notNull())
    .addColumn('municipality_code', 'varchar(6)')
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // enrolling | active | disabled
    /** `scrypt$N$r$p$salt$hash` (base64url), null until enrolled. */
    .addColumn('password_hash', 'text')
    /** Base32 TOTP secret, null until enrolled. */
    .addColumn('totp_secret', 'varchar(64)')
    /** The last accepted TOTP time step: a code of that step or an earlier one is refused. */
    .addColumn('totp_last_step', 'integer')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(48)')
    .addColumn('last_sign_in_at', 'varchar(40)')
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('staff_recovery_codes')
    .addColumn('staff_id', 'varchar(48)', (c) => c.notNull().references('staff_users.staff_id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'varchar(40)')
    .execute();
  await s.createIndex('staff_recovery_codes_staff').on('staff_recovery_codes').column('staff_id').execute();

  await s
    .createTable('staff_sessions')
    /** SHA-256 of the cookie's session token: a database read does not yield a usable cookie. */
    .addColumn('session_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('staff_id', 'varchar(48)', (c) => c.notNull().references('staff_users.staff_id'))
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('client_address', 'varchar(64)')
    .execute();
  await s.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();

  await s
    .createTable('staff_enrolments')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('staff_id', 'varchar(48)', (c) => c.notNull().references('staff_users.staff_id'))
    /** Generated when the link is first opened, confirmed by the first TOTP code. */
    .addColumn('pending_totp_secret', 'varchar(64)')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(40)')
    .execute();

  await s
    .createTable('staff_sign_in_throttles')
    /** `account:<login id>` or `address:<client address>`. */
    .addColumn('throttle_key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(40)')
    .execute();

  await s
    .createTable('staff_api_tokens')
    .addColumn('token_id', 'varchar(48)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('label', 'varchar(80)', (c) => c.notNull())
    .addColumn('scope', 'varchar(20)', (c) => c.notNull())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(48)', (c) => c.notNull().references('staff_users.staff_id'))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_used_at', 'varchar(40)')
    .addColumn('revoked_at', 'varchar(40)')
    .execute();

  await s
    .createTable('import_history')
    .addColumn('import_id', 'varchar(48)', (c) => c.primaryKey())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('staff_id', 'varchar(48)')
    .addColumn('token_id', 'varchar(48)')
    .addColumn('format', 'varchar(10)', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('issue_count', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('import_history_municipality').on('import_history').columns(['municipality_code', 'imported_at']).execute();
}

export const staff: Migration = { id: '0200_staff', up };
