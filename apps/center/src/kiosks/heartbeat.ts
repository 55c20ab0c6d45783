/**
 * A kiosk's heartbeat (kioskApi.heartbeat): the center keeps the latest one per kiosk. A heartbeat
 * is idempotent by its key — the same heartbeat sent again (the kiosk client retries on a lost
 * answer) finds its key stored and changes nothing — so it needs no idempotency row. Speaking
 * again ends a silence: the next silence raises its own `kiosk_silent` incident.
 */
import type { HeartbeatRequest } from '@madoguchi/shared';
import { writeTransaction, type CenterDatabase } from '../db/database.js';

/** Stores the heartbeat as the kiosk's latest and answers when the center took it (the first time, for a repeat). */
export async function recordHeartbeat(
  database: CenterDatabase,
  terminalId: string,
  heartbeat: HeartbeatRequest,
  now: Date,
): Promise<{ receivedAt: string }> {
  return writeTransaction(database, async (trx) => {
    const latest = await trx
      .selectFrom('kiosk_heartbeats')
      .select(['heartbeat_key', 'received_at'])
      .where('terminal_id', '=', terminalId)
      .executeTakeFirst();
    if (latest?.heartbeat_key === heartbeat.idempotencyKey) return { receivedAt: latest.received_at };
    const row = {
      heartbeat_key: heartbeat.idempotencyKey,
      received_at: now.toISOString(),
      kiosk_clock_at: new Date(heartbeat.sentAt).toISOString(),
      software_version: heartbeat.softwareVersion,
      reader_state: heartbeat.reader,
      printer_state: heartbeat.printer,
      cash_state: heartbeat.cash,
      last_issuance_at: heartbeat.lastIssuanceAt === null ? null : new Date(heartbeat.lastIssuanceAt).toISOString(),
      silent_reported_at: null,
    };
    if (latest) await trx.updateTable('kiosk_heartbeats').set(row).where('terminal_id', '=', terminalId).execute();
    else
      await trx
        .insertInto('kiosk_heartbeats')
        .values({ terminal_id: terminalId, ...row })
        .execute();
    return { receivedAt: row.received_at };
  });
}
