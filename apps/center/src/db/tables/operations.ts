/**
 * Kysely table types for the operations areas (issue 12): store chains (0300), billing (0301),
 * fleet heartbeats (0302), incident triage and chain heads (0303), statistics (0305). Each area
 * adds its own interfaces here and lists them in OperationsTables.
 */
export interface StoreChainsTable {
  chain_code: string;
  name: string;
  created_at: string;
}

/** The latest heartbeat of each kiosk (0302_fleet). */
export interface KioskHeartbeatsTable {
  terminal_id: string;
  /** The heartbeat's idempotency key: the same heartbeat again changes nothing. */
  heartbeat_key: string;
  /** The center's clock: the fleet's "last seen". */
  received_at: string;
  kiosk_clock_at: string;
  software_version: string;
  reader_state: string;
  printer_state: string;
  cash_state: string;
  last_issuance_at: string | null;
  /** When the kiosk_silent incident of the current silence was raised; null while the kiosk speaks. */
  silent_reported_at: string | null;
}

/** A certificate refused on the menu or at the quote (0305): codes only, never a resident or session. */
export interface EligibilityRefusalsTable {
  refusal_id: string;
  municipality_code: string;
  certificate_type: string;
  reason_code: string;
  /** menu | quote (refusals at payment are voided issuances) */
  stage: string;
  terminal_id: string;
  refused_at: string;
}

/** The kiosk's time from card placed to the last copy printed, one row per issuance (0305). */
export interface KioskJourneysTable {
  issuance_id: string;
  municipality_code: string;
  terminal_id: string;
  journey_ms: number;
  printed_at: string;
}

/** A signed head of the audit chain (0303_anomalies): published as a JSON line and kept here. */
export interface ChainHeadsTable {
  head_id: string;
  /** The JST date whose last row this is (daily), or the date it was signed on demand. */
  day: string;
  seq: number;
  hash: string;
  recorded_at: string;
  signed_at: string;
  key_id: string;
  /** Ed25519 over the head's canonical JSON (audit/chain-heads.ts), base64. */
  signature: string;
}

/** One billing ledger entry (0301_billing): append-only; signed yen seen from the municipality (shared domain/billing.ts). */
export interface BillingLedgerTable {
  entry_id: string;
  /** fee | refund | storeCommission | commissionTax | participationCharge | adjustment */
  kind: string;
  municipality_code: string;
  chain_code: string | null;
  certificate_type: string | null;
  issuance_id: string | null;
  terminal_id: string | null;
  copies: number | null;
  unit_yen: number | null;
  amount_yen: number;
  /** JST `YYYY-MM` and the fiscal year it belongs to */
  billing_month: string;
  fiscal_year: number;
  /** An adjustment's corrected month and the kind it adjusts. */
  corrects_month: string | null;
  adjusts: string | null;
  note: string | null;
  staff_id: string | null;
  occurred_at: string;
  recorded_at: string;
}

/** A municipality's billing month (0301): open until closed, closed for ever (billing/month-state.ts). */
export interface BillingMonthsTable {
  municipality_code: string;
  billing_month: string;
  state: string;
  closed_at: string | null;
  closed_by: string | null;
}

/** A chain's store commission per certificate from a JST date on (0301). */
export interface StoreCommissionRatesTable {
  chain_code: string;
  effective_from: string;
  rate_yen: number;
  recorded_at: string;
  recorded_by: string;
}

/** A fiscal year's participation charge per population band (0301); none: the FY2017 default. */
export interface ParticipationChargeTablesTable {
  fiscal_year: number;
  band: string;
  annual_yen: number;
  recorded_at: string;
  recorded_by: string;
}

/** A municipality's kind and population for a fiscal year (0301), from which its band follows. */
export interface MunicipalityBillingProfilesTable {
  municipality_code: string;
  fiscal_year: number;
  kind: string;
  population: number;
  recorded_at: string;
  recorded_by: string;
}

export interface OperationsTables {
  store_chains: StoreChainsTable;
  billing_ledger: BillingLedgerTable;
  billing_months: BillingMonthsTable;
  store_commission_rates: StoreCommissionRatesTable;
  participation_charge_tables: ParticipationChargeTablesTable;
  municipality_billing_profiles: MunicipalityBillingProfilesTable;
  chain_heads: ChainHeadsTable;
  eligibility_refusals: EligibilityRefusalsTable;
  kiosk_journeys: KioskJourneysTable;
  kiosk_heartbeats: KioskHeartbeatsTable;
}
