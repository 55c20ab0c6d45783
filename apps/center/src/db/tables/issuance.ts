/**
 * Kysely table types for kiosks, challenges, sessions, issuances, documents, idempotency keys,
 * incidents and the audit chain. Created by migrations 0100 and up. Timestamps are ISO-8601 UTC
 * strings from `Date.toISOString()` (one fixed width, so they compare as text on both databases).
 */
export interface KiosksTable {
  terminal_id: string;
  printer_id: string;
  store_code: string;
  store_name: string;
  enrolled_at: string;
  revoked_at: string | null;
  /** The store chain (store_chains), added by 0300; null for a kiosk enrolled before it. */
  chain_code: string | null;
}

/** One row per client certificate the kiosk CA issued; a kiosk may be re-enrolled with a new key. */
export interface KioskCertificatesTable {
  certificate_sha256: string;
  terminal_id: string;
  serial_number: string;
  certificate_pem: string;
  not_after: string;
  issued_at: string;
  revoked_at: string | null;
}

export interface ChallengesTable {
  challenge_id: string;
  terminal_id: string;
  challenge_hex: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionsTable {
  session_id: string;
  terminal_id: string;
  resident_id: string;
  municipality_code: string;
  auth_certificate_sha256: string;
  auth_not_after: string;
  /** The card link's first usable day (ISO date), added by 0101. */
  card_usable_from: string | null;
  created_at: string;
  expires_at: string;
}

export interface IssuancesTable {
  issuance_id: string;
  session_id: string;
  terminal_id: string;
  resident_id: string;
  municipality_code: string;
  certificate_type: string;
  options_json: string;
  copies: number;
  fee_yen: number;
  total_yen: number;
  paid_yen: number | null;
  refund_yen: number;
  /** IssuanceState; every change goes through a compare-and-set on this column. */
  state: string;
  failure_code: string | null;
  auth_certificate_sha256: string;
  created_at: string;
  updated_at: string;
}

export interface IssuanceDocumentsTable {
  /** Unique across the center: the DB itself refuses a second document with the same number. */
  issue_number: string;
  issuance_id: string;
  copy_index: number;
  page_count: number | null;
  page_issue_numbers_json: string | null;
  document_sha256: string | null;
  binding_json: string | null;
  binding_signature: string | null;
  /** The PDF until printed or the TTL passes, then null (pdf_deleted_at says when). */
  pdf_base64: string | null;
  pdf_deleted_at: string | null;
  /** null until the kiosk reports: printed | failed | rejected | unprinted (refunded without a report) */
  print_outcome: string | null;
  print_reason_code: string | null;
  reported_at: string | null;
}

export interface IssueSequencesTable {
  terminal_id: string;
  last_value: number;
}

export interface IdempotencyKeysTable {
  terminal_id: string;
  idempotency_key: string;
  operation: string;
  request_sha256: string;
  /** pending while the first call runs; done once its response is stored */
  state: string;
  response_status: number | null;
  response_json: string | null;
  created_at: string;
  /** The call running a pending row (random per call), added by 0306; null on older rows. */
  owner: string | null;
  /** Wall-clock ISO-8601 UTC until which the owner's claim holds unless renewed, added by 0306. */
  lease_expires_at: string | null;
}

export interface IncidentsTable {
  incident_id: string;
  kind: string;
  issuance_id: string | null;
  terminal_id: string | null;
  detail: string;
  created_at: string;
  resolved_at: string | null;
  /** Triage (0303_anomalies): who acknowledged and resolved it (staff or CLI operator ids) and the notes. */
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

export interface AuditEventsTable {
  seq: number;
  recorded_at: string;
  event: string;
  issuance_id: string | null;
  store_code: string | null;
  terminal_id: string | null;
  resident_id: string | null;
  municipality_code: string | null;
  certificate_type: string | null;
  options_json: string | null;
  copies: number | null;
  page_count: number | null;
  issue_numbers_json: string | null;
  detail_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface IssuanceTables {
  kiosks: KiosksTable;
  kiosk_certificates: KioskCertificatesTable;
  challenges: ChallengesTable;
  sessions: SessionsTable;
  issuances: IssuancesTable;
  issuance_documents: IssuanceDocumentsTable;
  issue_sequences: IssueSequencesTable;
  idempotency_keys: IdempotencyKeysTable;
  incidents: IncidentsTable;
  audit_events: AuditEventsTable;
}
