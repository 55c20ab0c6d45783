/**
 * p50 and p95 of the kiosks' card-to-print times by the nearest-rank method (the smallest value
 * with at least p% of the samples at or below it): a count, then one indexed ORDER BY … OFFSET per
 * percentile, the same SQL on both databases (SQLite has no percentile function).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { UtcRange } from './japan-period.js';

export interface JourneyFigures {
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The 1-based rank of the p-th percentile among n samples (nearest rank). */
export const nearestRank = (p: number, n: number) => Math.max(1, Math.ceil((p / 100) * n));

export async function journeyPercentiles(db: Kysely<Database>, municipalityCode: string | null, range: UtcRange): Promise<JourneyFigures> {
  let inRange = db.selectFrom('kiosk_journeys').where('printed_at', '>=', range.start).where('printed_at', '<', range.end);
  if (municipalityCode !== null) inRange = inRange.where('municipality_code', '=', municipalityCode);
  const counted = await inRange.select((eb) => eb.fn.countAll().as('samples')).executeTakeFirst();
  const samples = Number(counted?.samples ?? 0);
  if (samples === 0) return { samples, p50Ms: null, p95Ms: null };
  const at = async (p: number) => {
    const row = await inRange
      .select('journey_ms')
      .orderBy('journey_ms')
      .limit(1)
      .offset(nearestRank(p, samples) - 1)
      .executeTakeFirstOrThrow();
    return row.journey_ms;
  };
  const [p50Ms, p95Ms] = await Promise.all([at(50), at(95)]);
  return { samples, p50Ms, p95Ms };
}
