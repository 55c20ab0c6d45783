/**
 * Kysely table types for municipal data (residents, registers, policy, domicile registrations).
 * Owned by the residents/policy modules; created by migrations 0001–0099.
 *
 * Each record is stored whole as its shared-schema JSON (`data`, validated on import) next to the
 * key and state columns that queries filter on. The JSON is the exact shape the renderer receives,
 * so no column-to-object mapping can drop an item (the 旧氏 incident); the columns carry what
 * eligibility must see without parsing (status, record state, dates).
 */
import type { Generated } from 'kysely';

export interface MunicipalitiesTable {
  code: string;
  data: string;
  updated_at: string;
}

export interface HouseholdsTable {
  household_id: string;
  municipality_code: string;
  data: string;
  updated_at: string;
}

export interface ResidentsTable {
  resident_id: string;
  municipality_code: string;
  household_id: string;
  /** ResidentStatus */
  status: string;
  /** RecordState: approved | provisional */
  record_state: string;
  birth_date: string;
  data: string;
  updated_at: string;
}

export interface SealRegistrationsTable {
  registration_id: string;
  resident_id: string;
  /** active | cancelled */
  status: string;
  data: string;
  updated_at: string;
}

export interface FamilyRegistersTable {
  register_id: string;
  municipality_code: string;
  record_state: string;
  /** The register without its persons (they live in family_register_persons). */
  data: string;
  updated_at: string;
}

export interface FamilyRegisterPersonsTable {
  register_id: string;
  person_id: string;
  /** Register order, 0-based: persons are printed in this order. */
  position: number;
  resident_id: string | null;
  /** FamilyRegisterPerson including its events (身分事項). */
  data: string;
}

export interface AddressHistoriesTable {
  register_id: string;
  municipality_code: string;
  data: string;
  updated_at: string;
}

export interface TaxRecordsTable {
  resident_id: string;
  tax_year: number;
  municipality_code: string;
  data: string;
  updated_at: string;
}

export interface ProtectionMeasuresTable {
  measure_id: string;
  resident_id: string;
  from_date: string;
  until_date: string | null;
  updated_at: string;
}

export interface IssuanceBlocksTable {
  block_id: string;
  resident_id: string;
  from_date: string;
  until_date: string | null;
  /** JSON array of certificate types, or null for every type. */
  certificate_types: string | null;
  data: string;
  updated_at: string;
}

export interface CardLinksTable {
  issuer: string;
  serial_number: string;
  resident_id: string;
  usable_from: string;
  updated_at: string;
}

export interface MunicipalityPoliciesTable {
  municipality_code: string;
  data: string;
  updated_at: string;
  /**
   * Set by the database's triggers on every insert and update, whatever a writer gives (migration 0308): a new
   * random value each time, so policyIn can ask whether the row is still the one it parsed without sending its text.
   */
  revision: Generated<number>;
}

export interface HolidaysTable {
  date: string;
  name: string;
}

export interface DomicileRegistrationsTable {
  registration_id: string;
  resident_id: string;
  domicile_municipality_code: string;
  /** pending | approved | rejected */
  status: string;
  applied_at: string;
  decided_at: string | null;
  decided_by: string | null;
  /** The reason given with the decision (migration 0201); null for decisions made before it. */
  decision_reason: string | null;
}

export interface MunicipalTables {
  municipalities: MunicipalitiesTable;
  households: HouseholdsTable;
  residents: ResidentsTable;
  seal_registrations: SealRegistrationsTable;
  family_registers: FamilyRegistersTable;
  family_register_persons: FamilyRegisterPersonsTable;
  address_histories: AddressHistoriesTable;
  tax_records: TaxRecordsTable;
  protection_measures: ProtectionMeasuresTable;
  issuance_blocks: IssuanceBlocksTable;
  card_links: CardLinksTable;
  municipality_policies: MunicipalityPoliciesTable;
  holidays: HolidaysTable;
  domicile_registrations: DomicileRegistrationsTable;
}
