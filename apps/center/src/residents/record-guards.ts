/**
 * Refusal rules that depend only on municipal records (docs/service-rules.md#refusals): the state
 * of the resident and of every person the certificate would show. Both the eligibility engine
 * (before payment) and loadCertificateData (when the document is made) apply them, each on its own
 * fresh read, so an import committed between quote and render still stops the certificate
 * (docs/misissuance.md#cancelled-seal).
 */
import type { ErrorCode, Resident } from '@madoguchi/shared';

/** The card holder's own status. pendingMoveOut blocks every certificate of the holder. */
export function residentStatusRefusal(resident: Resident): ErrorCode | null {
  switch (resident.status) {
    case 'active':
      return null;
    case 'pendingMoveOut':
      return 'ELIGIBILITY_PENDING_MOVE_OUT';
    case 'movedOut':
      return 'ELIGIBILITY_MOVED_OUT';
    case 'deceased':
      return 'ELIGIBILITY_DECEASED';
    case 'removed':
      return 'ELIGIBILITY_REMOVED';
  }
}

export function provisionalRefusal(records: readonly { recordState: string }[]): ErrorCode | null {
  return records.some((r) => r.recordState !== 'approved') ? 'ELIGIBILITY_PROVISIONAL' : null;
}
