/**
 * Store chains (コンビニ事業者): a kiosk belongs to one, and billing, the issuance log and the
 * statistics key on the chain code. Operators add them; a chain is never renamed or deleted here,
 * because closed billing months name it.
 */
import { CreateStoreChainRequest, MadoguchiError, type StoreChain } from '@madoguchi/shared';
import type { Kysely, Transaction } from 'kysely';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';

const chainOf = (row: { chain_code: string; name: string; created_at: string }): StoreChain => ({
  chainCode: row.chain_code,
  name: row.name,
  createdAt: row.created_at,
});

export async function listStoreChains(db: Kysely<Database>): Promise<StoreChain[]> {
  const rows = await db.selectFrom('store_chains').selectAll().orderBy('chain_code').execute();
  return rows.map(chainOf);
}

/** Adds a chain; its code must be new (CONFLICT otherwise) and of the code's shape (INPUT_INVALID). */
export async function createStoreChain(
  database: CenterDatabase,
  input: { chainCode: string; name: string },
  now: Date,
): Promise<StoreChain> {
  const parsed = CreateStoreChainRequest.safeParse(input);
  if (!parsed.success)
    throw new MadoguchiError('INPUT_INVALID', `store chain: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const { chainCode, name } = parsed.data;
  return writeTransaction(database, async (trx) => {
    const existing = await trx.selectFrom('store_chains').select('chain_code').where('chain_code', '=', chainCode).executeTakeFirst();
    if (existing) throw new MadoguchiError('CONFLICT', `store chain ${chainCode} exists already`);
    const row = { chain_code: chainCode, name, created_at: now.toISOString() };
    await trx.insertInto('store_chains').values(row).execute();
    return chainOf(row);
  });
}

/** A kiosk is enrolled into an existing chain only: a mistyped code would leave it out of its chain's settlement. */
export async function requireStoreChain(trx: Transaction<Database> | Kysely<Database>, chainCode: string): Promise<void> {
  const row = await trx.selectFrom('store_chains').select('chain_code').where('chain_code', '=', chainCode).executeTakeFirst();
  if (!row) throw new MadoguchiError('INPUT_INVALID', `chainCode: no store chain ${chainCode}; add it first (console or kiosk CLI)`);
}
