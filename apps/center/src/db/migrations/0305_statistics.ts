/**
 * What the statistics need that the issuance history does not hold (issue 12 item 5), and the
 * indexes that let a year of a big municipality be counted from the index alone.
 *
 * - `eligibility_refusals`: a certificate refused on the menu after sign-in or at the quote, by
 *   code. Nothing else records these countably (a refused quote leaves no issuance row; the menu
 *   is decided afresh on every answer). A row holds the municipality, type, code, stage, kiosk and
 *   time: no resident, no session, so it cannot be linked back to a person. Refusals at payment
 *   are issuances voided with their code, counted from `issuances`.
 * - `kiosk_journeys`: the kiosk's own time from card placed to the last copy printed, one row per
 *   issuance, sent with its print result.
 */
import type { Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s
    .createTable('eligibility_refusals')
    .addColumn('refusal_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('certificate_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('reason_code', 'varchar(60)', (c) => c.notNull())
    .addColumn('stage', 'varchar(10)', (c) => c.notNull())
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('refused_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s
    .createIndex('eligibility_refusals_municipality')
    .on('eligibility_refusals')
    .columns(['municipality_code', 'refused_at'])
    .execute();
  await s.createIndex('eligibility_refusals_refused').on('eligibility_refusals').column('refused_at').execute();

  await s
    .createTable('kiosk_journeys')
    .addColumn('issuance_id', 'varchar(36)', (c) => c.primaryKey().references('issuances.issuance_id'))
    .addColumn('municipality_code', 'varchar(6)', (c) => c.notNull())
    .addColumn('terminal_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('journey_ms', 'integer', (c) => c.notNull())
    .addColumn('printed_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await s
    .createIndex('kiosk_journeys_municipality')
    .on('kiosk_journeys')
    .columns(['municipality_code', 'printed_at', 'journey_ms'])
    .execute();
  await s.createIndex('kiosk_journeys_printed').on('kiosk_journeys').columns(['printed_at', 'journey_ms']).execute();

  // Covering: the statistics read only these columns of issuances, so the counts come from the index.
  const covered = ['created_at', 'state', 'certificate_type', 'copies', 'terminal_id', 'failure_code', 'refund_yen'];
  await s
    .createIndex('issuances_statistics_municipality')
    .on('issuances')
    .columns(['municipality_code', ...covered])
    .execute();
  await s.createIndex('issuances_statistics_created').on('issuances').columns(covered).execute();
}

export const statistics: Migration = { id: '0305_statistics', up };
