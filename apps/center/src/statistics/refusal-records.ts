/**
 * Refusals, recorded countably for the statistics (0305 eligibility_refusals): the municipality,
 * certificate type, code, stage, kiosk and time — never the resident or the session, so a row
 * cannot be traced back to a person. A refusal counts under the municipality of the resident's
 * card link (the session's), also for a 戸籍 certificate of another 本籍地.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MenuItem } from '@madoguchi/shared';
import type { Database } from '../db/schema.js';

export interface RefusalSite {
  municipalityCode: string;
  terminalId: string;
}

/**
 * A type the municipality does not offer at stores is the service's scope, not a refusal of this
 * resident: every menu would carry it, so it is left out.
 */
const NOT_A_REFUSAL = new Set(['ELIGIBILITY_TYPE_NOT_OFFERED']);

/** The refused lines of a session's first menu (a retried sign-in's answer is the same session: not counted again). */
export async function recordMenuRefusals(db: Kysely<Database>, site: RefusalSite, menu: readonly MenuItem[], now: Date): Promise<void> {
  const rows = menu
    .filter((item) => !item.available && item.refusal !== undefined && !NOT_A_REFUSAL.has(item.refusal))
    .map((item) => refusalRow(site, item.certificateType, item.refusal!, 'menu', now));
  if (rows.length > 0) await db.insertInto('eligibility_refusals').values(rows).execute();
}

/** A quote refused by the eligibility check (the quote call is idempotent: it runs once per key). */
export async function recordQuoteRefusal(
  db: Kysely<Database>,
  site: RefusalSite,
  certificateType: string,
  reasonCode: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('eligibility_refusals')
    .values(refusalRow(site, certificateType, reasonCode, 'quote', now))
    .execute();
}

function refusalRow(site: RefusalSite, certificateType: string, reasonCode: string, stage: 'menu' | 'quote', now: Date) {
  return {
    refusal_id: randomUUID(),
    municipality_code: site.municipalityCode,
    certificate_type: certificateType,
    reason_code: reasonCode,
    stage,
    terminal_id: site.terminalId,
    refused_at: now.toISOString(),
  };
}
