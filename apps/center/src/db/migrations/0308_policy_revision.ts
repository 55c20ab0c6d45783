/**
 * A revision of each municipality policy row, set by the database on every insert and update whoever writes
 * (the console, an import, the CLI, a person's own SQL): policyIn (policy/policy-store.ts) asks "is the
 * revision still the one I parsed?" instead of sending the ~71 KB text it parsed to be compared at every read
 * (issue 14 item 5: ~11% of the SQLite thread's CPU under the fleet benchmark went to binding that text).
 *
 * The revision is random (53 bits, a JavaScript safe integer on both drivers), not a counter. A revision the
 * cache holds must never come back for different text, and a counter goes back: SQLite has no storage outside
 * transactions, so a counter row bumped by a write that then rolls back hands the same number to the next write,
 * although the rolled-back transaction may already have read and remembered its own text under it; a database
 * restored from a backup brings its counter back with it; and the cache of a process that opens several databases
 * (tests, from copies of one seeded database) would meet the same counts for different texts. A fresh random
 * value per write repeats one a cache holds with a chance of 2^-52 per write, wherever the row came from.
 *
 * Triggers, not our writers, set it, and any value a writer gives is overwritten: a row deleted and inserted
 * again, an upsert and an UPDATE by hand all get a new revision. SQLite cannot change a row in a BEFORE trigger,
 * so an AFTER trigger rewrites the revision; its own UPDATE does not fire it again (SQLite's recursive_triggers
 * is off, as in every center connection; were it on, the write would fail with "too many levels of trigger
 * recursion", never pass unseen). PostgreSQL sets it in a BEFORE trigger from gen_random_uuid(), which draws
 * from the server's strong random source (random() would repeat after a session's setseed()).
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.js';

async function up(db: Kysely<unknown>, kind: 'sqlite' | 'postgres'): Promise<void> {
  if (kind === 'sqlite') {
    await sql`alter table municipality_policies add column revision integer not null default 0`.execute(db);
    // `random() >> 11`: 53 of the 64 random bits, within [-2^52, 2^52), so better-sqlite3 answers an exact number.
    await sql`create trigger municipality_policies_revision_insert after insert on municipality_policies
      begin update municipality_policies set revision = random() >> 11 where municipality_code = new.municipality_code; end`.execute(db);
    await sql`create trigger municipality_policies_revision_update after update on municipality_policies
      begin update municipality_policies set revision = random() >> 11 where municipality_code = new.municipality_code; end`.execute(db);
    await sql`update municipality_policies set revision = random() >> 11`.execute(db);
    return;
  }
  await sql`alter table municipality_policies add column revision bigint not null default 0`.execute(db);
  // The last 13 hex digits of a version-4 UUID are all random: 52 bits, within a JavaScript safe integer.
  await sql`create function municipality_policies_revision() returns trigger language plpgsql as $$
    begin
      new.revision := ('x' || right(replace(gen_random_uuid()::text, '-', ''), 13))::bit(52)::bigint;
      return new;
    end $$`.execute(db);
  await sql`create trigger municipality_policies_revision before insert or update on municipality_policies
    for each row execute function municipality_policies_revision()`.execute(db);
  // Existing rows: the trigger gives each its revision.
  await sql`update municipality_policies set revision = 0`.execute(db);
}

export const policyRevision: Migration = { id: '0308_policy_revision', up };
