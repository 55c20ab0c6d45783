/**
 * Silent kiosks: a kiosk that has spoken (sent a heartbeat) and then sent none for more than
 * KIOSK_SILENT_AFTER_MS of service hours raises one `kiosk_silent` incident, from the sweeper. One per
 * silence, not one per sweep: the incident's time is kept on the kiosk's heartbeat row, set by a
 * compare-and-set so two center processes sweeping at once raise it once, and the kiosk's next
 * heartbeat clears it. Revoked kiosks never raise it; a kiosk that never sent a heartbeat (enrolled,
 * not yet installed, or an older kiosk) is shown as never seen on the fleet page instead.
 *
 * Service hours are the stores' hours (docs/service-rules.md#hours): 06:30–23:00 Japan
 * time, never 29 December – 3 January. Only silence inside them counts: at 06:32 a kiosk last seen
 * at 22:59 the evening before has been silent for two minutes of service, not seven hours.
 */
import { KIOSK_SILENT_AFTER_MS, isYearEndClosure, japanClock } from '@madoguchi/shared';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { recordIncident } from '../issuance/incidents.js';

const OPENS_MINUTES = 6 * 60 + 30;
const CLOSES_MINUTES = 23 * 60;
const JST_OFFSET_MS = 9 * 3600_000;

/** When today's service hours began, if `now` is inside them; null outside service hours. */
export function serviceOpenedAt(now: Date): Date | null {
  const { date, minutes } = japanClock(now);
  if (isYearEndClosure(date) || minutes < OPENS_MINUTES || minutes >= CLOSES_MINUTES) return null;
  return new Date(Date.parse(`${date}T00:00:00Z`) - JST_OFFSET_MS + OPENS_MINUTES * 60_000);
}

/**
 * The heartbeat time before which a kiosk counts as silent now, or null outside service hours:
 * silence is counted from the later of its last heartbeat and the opening of today's hours.
 */
export function silentBefore(now: Date): string | null {
  const opened = serviceOpenedAt(now);
  if (!opened || now.getTime() - opened.getTime() <= KIOSK_SILENT_AFTER_MS) return null;
  return new Date(now.getTime() - KIOSK_SILENT_AFTER_MS).toISOString();
}

/** Raises `kiosk_silent` for each kiosk newly silent; returns their terminal ids. */
export async function raiseSilentKiosks(database: CenterDatabase, now: Date): Promise<string[]> {
  const before = silentBefore(now);
  if (!before) return [];
  const silent = await database.db
    .selectFrom('kiosk_heartbeats as h')
    .innerJoin('kiosks as k', 'k.terminal_id', 'h.terminal_id')
    .select(['h.terminal_id', 'h.received_at'])
    .where('h.received_at', '<', before)
    .where('h.silent_reported_at', 'is', null)
    .where('k.revoked_at', 'is', null)
    .orderBy('h.terminal_id')
    .execute();
  const raised: string[] = [];
  for (const { terminal_id: terminalId, received_at: lastSeenAt } of silent) {
    await writeTransaction(database, async (trx) => {
      // The compare-and-set: another center's sweep (or a heartbeat just now) may have got here first.
      const claimed = await trx
        .updateTable('kiosk_heartbeats')
        .set({ silent_reported_at: now.toISOString() })
        .where('terminal_id', '=', terminalId)
        .where('received_at', '=', lastSeenAt)
        .where('silent_reported_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      await recordIncident(trx, { kind: 'kiosk_silent', terminalId, detail: { lastSeenAt } }, now);
      raised.push(terminalId);
    });
  }
  return raised;
}
