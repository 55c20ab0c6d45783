/**
 * Import API tokens, per staff member, replacing the shared MADOGUCHI_ADMIN_TOKEN: `mdg_` and 32
 * random bytes (base64url), shown once, kept as SHA-256; scoped to one municipality and to imports.
 * A token works while it is not revoked and its creator's account is active.
 */
import type { Kysely, Transaction } from 'kysely';
import { MadoguchiError } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { StaffApiTokensTable } from '../db/tables/staff.js';
import { newId, randomToken, sha256Hex } from './secrets.js';

type Db = Kysely<Database> | Transaction<Database>;

export const API_TOKEN_PREFIX = 'mdg_';

export const apiTokenSummaryOf = (row: StaffApiTokensTable) => ({
  tokenId: row.token_id,
  label: row.label,
  scope: 'import' as const,
  municipalityCode: row.municipality_code,
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export async function listApiTokens(db: Db, municipalityCode: string) {
  const rows = await db
    .selectFrom('staff_api_tokens')
    .selectAll()
    .where('municipality_code', '=', municipalityCode)
    .orderBy('created_at')
    .orderBy('token_id')
    .execute();
  return rows.map(apiTokenSummaryOf);
}

export async function createApiToken(database: CenterDatabase, actorStaffId: string, municipalityCode: string, label: string, now: Date) {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  const row: StaffApiTokensTable = {
    token_id: newId('tok'),
    token_hash: sha256Hex(token),
    label,
    scope: 'import',
    municipality_code: municipalityCode,
    created_by: actorStaffId,
    created_at: now.toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await writeTransaction(database, async (trx) => {
    const known = await trx.selectFrom('municipalities').select('code').where('code', '=', municipalityCode).executeTakeFirst();
    if (!known) throw new MadoguchiError('NOT_FOUND', 'no such municipality');
    await trx.insertInto('staff_api_tokens').values(row).execute();
    const detail = { staffId: actorStaffId, tokenId: row.token_id };
    await appendAudit(trx, database.kind, { event: 'api_token_created', municipalityCode, detail }, now);
  });
  return { token, summary: apiTokenSummaryOf(row) };
}

/** Revokes a token of `municipalityCode`; a token of another municipality is not found. */
export async function revokeApiToken(
  database: CenterDatabase,
  actorStaffId: string | null,
  municipalityCode: string,
  tokenId: string,
  now: Date,
) {
  return writeTransaction(database, async (trx) => {
    const row = await trx
      .selectFrom('staff_api_tokens')
      .selectAll()
      .where('token_id', '=', tokenId)
      .where('municipality_code', '=', municipalityCode)
      .executeTakeFirst();
    if (!row) throw new MadoguchiError('NOT_FOUND', 'no such API token here');
    if (row.revoked_at) return apiTokenSummaryOf(row);
    const revokedAt = now.toISOString();
    await trx.updateTable('staff_api_tokens').set({ revoked_at: revokedAt }).where('token_id', '=', tokenId).execute();
    const detail = { staffId: actorStaffId, tokenId };
    await appendAudit(trx, database.kind, { event: 'api_token_revoked', municipalityCode, detail }, now);
    return apiTokenSummaryOf({ ...row, revoked_at: revokedAt });
  });
}

export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  staffId: string;
  municipalityCode: string;
}

/** The live token `token` (not revoked, creator active), its use recorded; null otherwise. */
export async function useApiToken(db: Db, token: string, now: Date): Promise<TokenPrincipal | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const row = await db
    .selectFrom('staff_api_tokens')
    .innerJoin('staff_users', 'staff_users.staff_id', 'staff_api_tokens.created_by')
    .select(['staff_api_tokens.token_id', 'staff_api_tokens.created_by', 'staff_api_tokens.municipality_code'])
    .where('staff_api_tokens.token_hash', '=', sha256Hex(token))
    .where('staff_api_tokens.revoked_at', 'is', null)
    .where('staff_api_tokens.scope', '=', 'import')
    .where('staff_users.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  await db.updateTable('staff_api_tokens').set({ last_used_at: now.toISOString() }).where('token_id', '=', row.token_id).execute();
  return { kind: 'token', tokenId: row.token_id, staffId: row.created_by, municipalityCode: row.municipality_code };
}
