/**
 * The center's forward-only migrations, in order. Never edit or remove an entry once it has landed:
 * add a new one. Ids sort in order of application; the runner refuses a database that has applied
 * an id this list does not know (a database newer than the code).
 */
import type { Kysely } from 'kysely';
import { municipalData } from './0001_municipal_data.js';
import { policy } from './0002_policy.js';
import { issuance } from './0100_issuance.js';
import { sessionCardUsableFrom } from './0101_session_card_usable_from.js';
import { provisionalRecords } from './0102_provisional_records.js';
import { staff } from './0200_staff.js';
import { domicileDecisionReason } from './0201_domicile_decision_reason.js';
import { storeChains } from './0300_store_chains.js';
import { billing } from './0301_billing.js';
import { fleet } from './0302_fleet.js';
import { anomalies } from './0303_anomalies.js';
import { issuanceLog } from './0304_issuance_log.js';
import { statistics } from './0305_statistics.js';
import { idempotencyLease } from './0306_idempotency_lease.js';
import { sweeperIndexes } from './0307_sweeper_indexes.js';
import { policyRevision } from './0308_policy_revision.js';

export interface Migration {
  id: string;
  /** Receives the transaction the migration runs in; `kind` only for dialect-specific DDL. */
  up(db: Kysely<unknown>, kind: 'sqlite' | 'postgres'): Promise<void>;
}

export const migrations: Migration[] = [
  municipalData,
  policy,
  issuance,
  sessionCardUsableFrom,
  provisionalRecords,
  staff,
  domicileDecisionReason,
  storeChains,
  billing,
  fleet,
  anomalies,
  issuanceLog,
  statistics,
  idempotencyLease,
  sweeperIndexes,
  policyRevision,
];
