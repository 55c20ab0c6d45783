/**
 * The billing ledger, store-commission rates, participation charges and closed months (issue 12 item 4).
 * Portable DDL like 0100; the ledger is append-only at the database too (triggers, as audit_events):
 * a closed month's statement is computed from its entries, so it can never change.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>, kind: 'sqlite' | 'postgres'): Promise<void> {
  const s = db.schema;
  await s
    .createTable('billing_ledger')
    .addColumn('entry_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(30)', (c) => c.notNull())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('chain_code', 'varchar(40)')
    .addColumn('certificate_type', 'varchar(40)')
    .addColumn('issuance_id', 'varchar(36)')
    .addColumn('terminal_id', 'varchar(40)')
    .addColumn('copies', 'integer')
    .addColumn('unit_yen', 'integer')
    .addColumn('amount_yen', 'integer', (c) => c.notNull())
    .addColumn('billing_month', 'varchar(7)', (c) => c.notNull())
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    .addColumn('corrects_month', 'varchar(7)')
    .addColumn('adjusts', 'varchar(30)')
    .addColumn('note', 'varchar(200)')
    .addColumn('staff_id', 'varchar(60)')
    .addColumn('occurred_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('billing_ledger_month').on('billing_ledger').columns(['municipality_code', 'billing_month']).execute();
  await s.createIndex('billing_ledger_chain_month').on('billing_ledger').columns(['chain_code', 'billing_month']).execute();
  await s.createIndex('billing_ledger_issuance').on('billing_ledger').column('issuance_id').execute();

  await s
    .createTable('billing_months')
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('billing_month', 'varchar(7)', (c) => c.notNull())
    .addColumn('state', 'varchar(10)', (c) => c.notNull())
    .addColumn('closed_at', 'varchar(40)')
    .addColumn('closed_by', 'varchar(60)')
    .addPrimaryKeyConstraint('billing_months_pk', ['municipality_code', 'billing_month'])
    .execute();

  await s
    .createTable('store_commission_rates')
    .addColumn('chain_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('effective_from', 'varchar(10)', (c) => c.notNull())
    .addColumn('rate_yen', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(60)', (c) => c.notNull())
    .addPrimaryKeyConstraint('store_commission_rates_pk', ['chain_code', 'effective_from'])
    .execute();

  await s
    .createTable('participation_charge_tables')
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    .addColumn('band', 'varchar(30)', (c) => c.notNull())
    .addColumn('annual_yen', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(60)', (c) => c.notNull())
    .addPrimaryKeyConstraint('participation_charge_tables_pk', ['fiscal_year', 'band'])
    .execute();

  await s
    .createTable('municipality_billing_profiles')
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(60)', (c) => c.notNull())
    .addPrimaryKeyConstraint('municipality_billing_profiles_pk', ['municipality_code', 'fiscal_year'])
    .execute();

  await makeLedgerAppendOnly(db, kind);
}

// As audit_events (0100): the application never updates or deletes a ledger entry; a correction is a new entry.
async function makeLedgerAppendOnly(db: Kysely<unknown>, kind: 'sqlite' | 'postgres'): Promise<void> {
  if (kind === 'sqlite') {
    await sql`create trigger billing_ledger_no_update before update on billing_ledger begin select raise(abort, 'billing_ledger is append-only'); end`.execute(
      db,
    );
    await sql`create trigger billing_ledger_no_delete before delete on billing_ledger begin select raise(abort, 'billing_ledger is append-only'); end`.execute(
      db,
    );
  } else {
    await sql`create function billing_ledger_append_only() returns trigger language plpgsql as $$ begin raise exception 'billing_ledger is append-only'; end $$`.execute(
      db,
    );
    await sql`create trigger billing_ledger_no_change before update or delete on billing_ledger for each row execute function billing_ledger_append_only()`.execute(
      db,
    );
  }
}

export const billing: Migration = { id: '0301_billing', up };
