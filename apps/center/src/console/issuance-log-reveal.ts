/**
 * Showing an issuance's personal data (the resident's name and address) to staff who need it: only
 * with a reason, and every time as a `personal_data_revealed` row of the hash-chained history in the
 * same transaction as the read — no answer without its history row. The row holds the staff id,
 * the reason (one short line, checked by requirePlainText and again by the history) and ids, never
 * the name or address. Nothing here logs anything.
 */
import { MadoguchiError, type RevealedPersonalData, type StaffScope } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { getHousehold, getResident } from '../residents/queries.js';
import { visibleIssuance } from './issuance-log-timeline.js';
import { requirePlainText } from './plain-text.js';

export async function revealPersonalData(
  database: CenterDatabase,
  staff: StaffScope & { staffId: string },
  request: { issuanceId: string; reason: string },
  now: Date,
): Promise<RevealedPersonalData> {
  requirePlainText({ reason: request.reason });
  return writeTransaction(database, async (trx) => {
    // Another municipality's issuance is NOT_FOUND before anything is read or written.
    const issuance = await visibleIssuance(trx, staff, request.issuanceId);
    const { resident_id: residentId } = await trx
      .selectFrom('issuances')
      .select('resident_id')
      .where('issuance_id', '=', request.issuanceId)
      .executeTakeFirstOrThrow();
    const resident = await getResident(trx, residentId);
    if (!resident) throw new MadoguchiError('NOT_FOUND', `issuance ${request.issuanceId}: its resident record is no longer held`);
    const household = await getHousehold(trx, resident.householdId);
    await appendAudit(
      trx,
      database.kind,
      {
        event: 'personal_data_revealed',
        issuanceId: request.issuanceId,
        residentId,
        municipalityCode: issuance.municipalityCode,
        certificateType: issuance.certificateType,
        detail: { staffId: staff.staffId, reason: request.reason, issuanceId: request.issuanceId },
      },
      now,
    );
    return {
      residentId,
      name: {
        family: resident.name.family,
        given: resident.name.given,
        familyKana: resident.name.familyKana ?? null,
        givenKana: resident.name.givenKana ?? null,
      },
      formerSurname: resident.formerSurname ?? null,
      address: household?.address ?? null,
      revealedAt: now.toISOString(),
    };
  });
}
