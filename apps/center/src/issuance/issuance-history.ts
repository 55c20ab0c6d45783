/**
 * What every history row about one issuance carries, and how a row without a request (the
 * sweeper's) finds its store and terminal. Shared by the kiosk-driven steps (issuance-service.ts)
 * and the sweeper, so both write the same fields (docs/misissuance.md#r9: when, where, who, type,
 * options, pages, issue numbers).
 */
import type { Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { IssuancesTable } from '../db/tables/issuance.js';
import type { Kiosk } from '../kiosks/registry.js';

export type IssuanceRow = Selectable<IssuancesTable>;

/** The history fields every row about one issuance carries. */
export function auditBase(row: IssuanceRow, kiosk: Pick<Kiosk, 'storeCode' | 'terminalId'>) {
  return {
    issuanceId: row.issuance_id,
    storeCode: kiosk.storeCode,
    terminalId: kiosk.terminalId,
    residentId: row.resident_id,
    municipalityCode: row.municipality_code,
    certificateType: row.certificate_type,
    options: JSON.parse(row.options_json) as unknown,
    copies: row.copies,
  };
}

/** The store and terminal of an issuance, for audit rows written without a request (the sweeper). */
export async function kioskOfRow(trx: Transaction<Database>, terminalId: string): Promise<Pick<Kiosk, 'storeCode' | 'terminalId'>> {
  const k = await trx.selectFrom('kiosks').select(['store_code', 'terminal_id']).where('terminal_id', '=', terminalId).executeTakeFirst();
  return { storeCode: k?.store_code ?? 'unknown', terminalId };
}
