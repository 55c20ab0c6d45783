/** Staff accounts, sessions, enrolment links, sign-in throttles, import API tokens and the import history (migration 0200). */
export interface StaffUsersTable {
  staff_id: string;
  login_id: string;
  role: string;
  municipality_code: string | null;
  status: 'enrolling' | 'active' | 'disabled';
  password_hash: string | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  created_at: string;
  created_by: string | null;
  last_sign_in_at: string | null;
  updated_at: string;
}

export interface StaffRecoveryCodesTable {
  staff_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface StaffSessionsTable {
  session_hash: string;
  staff_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  client_address: string | null;
}

export interface StaffEnrolmentsTable {
  token_hash: string;
  staff_id: string;
  pending_totp_secret: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface StaffSignInThrottlesTable {
  throttle_key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface StaffApiTokensTable {
  token_id: string;
  token_hash: string;
  label: string;
  scope: string;
  municipality_code: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ImportHistoryTable {
  import_id: string;
  municipality_code: string;
  staff_id: string | null;
  token_id: string | null;
  format: 'json' | 'csv';
  dry_run: number;
  ok: number;
  total: number;
  issue_count: number;
  imported_at: string;
}

export interface StaffTables {
  staff_users: StaffUsersTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  staff_sessions: StaffSessionsTable;
  staff_enrolments: StaffEnrolmentsTable;
  staff_sign_in_throttles: StaffSignInThrottlesTable;
  staff_api_tokens: StaffApiTokensTable;
  import_history: ImportHistoryTable;
}
