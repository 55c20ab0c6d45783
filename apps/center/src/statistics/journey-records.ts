/**
 * The kiosk's card-to-print time of an issuance (0305 kiosk_journeys), sent with each printed
 * copy's result. Copies print one after another, so the issuance's journey is the longest one
 * reported: the last copy on paper.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

export async function recordJourney(
  trx: Transaction<Database>,
  issuance: { issuance_id: string; municipality_code: string; terminal_id: string },
  journeyMs: number,
  now: Date,
): Promise<void> {
  const known = await trx
    .selectFrom('kiosk_journeys')
    .select('journey_ms')
    .where('issuance_id', '=', issuance.issuance_id)
    .executeTakeFirst();
  if (!known) {
    await trx
      .insertInto('kiosk_journeys')
      .values({
        issuance_id: issuance.issuance_id,
        municipality_code: issuance.municipality_code,
        terminal_id: issuance.terminal_id,
        journey_ms: journeyMs,
        printed_at: now.toISOString(),
      })
      .execute();
  } else if (journeyMs > known.journey_ms) {
    await trx
      .updateTable('kiosk_journeys')
      .set({ journey_ms: journeyMs, printed_at: now.toISOString() })
      .where('issuance_id', '=', issuance.issuance_id)
      .execute();
  }
}
