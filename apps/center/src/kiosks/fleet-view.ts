/**
 * The fleet as the console and the CLI show it: every kiosk with its chain, store, latest heartbeat
 * and a condition to sort by (KioskCondition in the shared contract).
 */
import {
  FleetQuery,
  KIOSK_SILENT_AFTER_MS,
  type FleetKiosk,
  type FleetList,
  type HeartbeatCashState,
  type HeartbeatPrinterState,
  type HeartbeatReaderState,
  type KioskCondition,
} from '@madoguchi/shared';
import type { z } from 'zod';
import type { CenterDatabase } from '../db/database.js';

type Filters = z.output<typeof FleetQuery>;

interface Row {
  terminal_id: string;
  printer_id: string;
  chain_code: string | null;
  chain_name: string | null;
  store_code: string;
  store_name: string;
  enrolled_at: string;
  revoked_at: string | null;
  received_at: string | null;
  kiosk_clock_at: string | null;
  software_version: string | null;
  reader_state: string | null;
  printer_state: string | null;
  cash_state: string | null;
  last_issuance_at: string | null;
}

function conditionOf(row: Row, now: Date): KioskCondition {
  if (row.revoked_at) return 'revoked';
  if (!row.received_at) return 'neverSeen';
  if (now.getTime() - Date.parse(row.received_at) > KIOSK_SILENT_AFTER_MS) return 'silent';
  const cannotServe =
    row.reader_state !== 'ready' || !['ready', 'toner-low'].includes(row.printer_state ?? '') || row.cash_state === 'error';
  if (cannotServe) return 'fault';
  return row.printer_state === 'toner-low' ? 'warning' : 'ok';
}

function kioskOf(row: Row, now: Date): FleetKiosk {
  return {
    terminalId: row.terminal_id,
    printerId: row.printer_id,
    chainCode: row.chain_code,
    chainName: row.chain_name,
    storeCode: row.store_code,
    storeName: row.store_name,
    enrolledAt: row.enrolled_at,
    revokedAt: row.revoked_at,
    condition: conditionOf(row, now),
    lastSeenAt: row.received_at,
    kioskClockAt: row.kiosk_clock_at,
    softwareVersion: row.software_version,
    reader: row.reader_state as HeartbeatReaderState | null,
    printer: row.printer_state as HeartbeatPrinterState | null,
    cash: row.cash_state as HeartbeatCashState | null,
    lastIssuanceAt: row.last_issuance_at,
  };
}

/** Every kiosk (revoked ones too, marked), by chain, store and terminal; the filters narrow it. */
export async function fleetList(database: CenterDatabase, filters: Filters, now: Date): Promise<FleetList> {
  let query = database.db
    .selectFrom('kiosks as k')
    .leftJoin('store_chains as c', 'c.chain_code', 'k.chain_code')
    .leftJoin('kiosk_heartbeats as h', 'h.terminal_id', 'k.terminal_id')
    .select([
      'k.terminal_id',
      'k.printer_id',
      'k.chain_code',
      'c.name as chain_name',
      'k.store_code',
      'k.store_name',
      'k.enrolled_at',
      'k.revoked_at',
      'h.received_at',
      'h.kiosk_clock_at',
      'h.software_version',
      'h.reader_state',
      'h.printer_state',
      'h.cash_state',
      'h.last_issuance_at',
    ])
    .orderBy('k.chain_code')
    .orderBy('k.store_code')
    .orderBy('k.terminal_id');
  if (filters.chainCode) query = query.where('k.chain_code', '=', filters.chainCode);
  const rows = (await query.execute()) as Row[];
  const all = rows.map((row) => kioskOf(row, now));
  const condition = filters.silentOnly === 'true' ? 'silent' : filters.condition;
  const kiosks = all.filter(
    (k) => (!condition || k.condition === condition) && (!filters.softwareVersion || k.softwareVersion === filters.softwareVersion),
  );
  const softwareVersions = [...new Set(all.flatMap((k) => (k.softwareVersion ? [k.softwareVersion] : [])))].sort();
  return { kiosks, softwareVersions };
}

/** One kiosk as the fleet shows it, or null when unknown. */
export async function fleetKiosk(database: CenterDatabase, terminalId: string, now: Date): Promise<FleetKiosk | null> {
  const { kiosks } = await fleetList(database, {}, now);
  return kiosks.find((k) => k.terminalId === terminalId) ?? null;
}
