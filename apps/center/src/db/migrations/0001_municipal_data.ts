/**
 * Municipal data imported from the municipalities: residents, households, seal registrations,
 * family registers, 附票, tax records, protection measures, issuance blocks and card links.
 * Portable DDL only (text/integer), so SQLite and PostgreSQL get the same tables.
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

// eslint-disable-next-line max-lines-per-function -- one migration's list of table definitions: splitting it would only scatter the schema
async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s
    .createTable('municipalities')
    .addColumn('code', 'varchar(6)', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('households')
    .addColumn('household_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('residents')
    .addColumn('resident_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('household_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('record_state', 'varchar(20)', (c) => c.notNull())
    .addColumn('birth_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('residents_household').on('residents').column('household_id').execute();

  await s
    .createTable('seal_registrations')
    .addColumn('registration_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('seal_registrations_resident').on('seal_registrations').columns(['resident_id', 'status']).execute();

  await s
    .createTable('family_registers')
    .addColumn('register_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('record_state', 'varchar(20)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('family_register_persons')
    .addColumn('register_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(200)')
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('family_register_persons_pk', ['register_id', 'person_id'])
    .execute();
  await s.createIndex('family_register_persons_resident').on('family_register_persons').column('resident_id').execute();

  await s
    .createTable('address_histories')
    .addColumn('register_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('tax_records')
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('tax_year', 'integer', (c) => c.notNull())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('tax_records_pk', ['resident_id', 'tax_year'])
    .execute();

  await s
    .createTable('protection_measures')
    .addColumn('measure_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('from_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('until_date', 'varchar(10)')
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('protection_measures_resident').on('protection_measures').column('resident_id').execute();

  await s
    .createTable('issuance_blocks')
    .addColumn('block_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('from_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('until_date', 'varchar(10)')
    .addColumn('certificate_types', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s.createIndex('issuance_blocks_resident').on('issuance_blocks').column('resident_id').execute();

  await s
    .createTable('card_links')
    .addColumn('issuer', 'varchar(500)', (c) => c.notNull())
    .addColumn('serial_number', 'varchar(100)', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('usable_from', 'varchar(10)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('card_links_pk', ['issuer', 'serial_number'])
    .execute();
  await s.createIndex('card_links_resident').on('card_links').column('resident_id').execute();
}

export const municipalData: Migration = { id: '0001_municipal_data', up };
