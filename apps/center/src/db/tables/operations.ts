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

export interface OperationsTables {
  store_chains: StoreChainsTable;
}
