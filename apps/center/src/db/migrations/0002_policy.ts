/** Per-municipality policy, the holiday calendar, and 本籍地利用登録申請 (domicile registrations). */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s
    .createTable('municipality_policies')
    .addColumn('municipality_code', 'varchar(6)', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await s
    .createTable('holidays')
    .addColumn('date', 'varchar(10)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();

  await s
    .createTable('domicile_registrations')
    .addColumn('registration_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('resident_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('domicile_municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('applied_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(40)')
    .addColumn('decided_by', 'varchar(200)')
    .execute();
  await s
    .createIndex('domicile_registrations_resident')
    .on('domicile_registrations')
    .columns(['resident_id', 'domicile_municipality_code'])
    .execute();
  await s
    .createIndex('domicile_registrations_pending')
    .on('domicile_registrations')
    .columns(['domicile_municipality_code', 'status'])
    .execute();
}

export const policy: Migration = { id: '0002_policy', up };
