/**
 * Idempotency keys on every mutating kiosk call, stored in the database so a retry that lands on
 * another center process (or after a restart) still finds the first call's result.
 *
 * - first call: a `pending` row is inserted (the primary key (terminal, key) lets only one caller
 *   win), the operation runs, and its response (or its refusal) is stored as `done`;
 * - same key, same request: the stored response is returned, never a second execution;
 * - same key, different request: ISSUANCE_IDEMPOTENCY_CONFLICT;
 * - same key while the first call still runs: wait for its result (up to `waitMs`), then the same
 *   answer; if it is still running after that (or its process died), ISSUANCE_INVALID_STATE, except
 *   for a settlement (below);
 * - a server fault (a 5xx) of a settlement call (a print result, a cancel) is not its result: the
 *   key is let go, so the kiosk's journal outbox, which sends it again with the same key until the
 *   center decides, gets a decision once the fault has passed, not the fault replayed for ever.
 *   Their effect is guarded by the issuance's state (a second refund is refused), so running one
 *   again is safe; a payment's 5xx stays its result (docs/misissuance.md#r3).
 * - a settlement whose first call's center died mid-call: the dead call's pending row would answer
 *   every retry, and the kiosk's outbox would take a 409 as the center's decision. So a pending row
 *   carries a lease: its owner (a random id per call) and a wall-clock time until which the claim
 *   holds, renewed every `leaseMs / 6` while the call runs. A live center renews it; a dead one
 *   cannot. A settlement retry that finds the lease run out takes the row over with one
 *   compare-and-set UPDATE on the owner and the lease it read, so of any number of centers retrying
 *   at once exactly one wins and runs the call; the others wait for its result like any duplicate.
 *   While the lease holds, a settlement retry past its wait is answered ISSUANCE_STILL_RUNNING (503),
 *   which the outbox keeps and sends again, instead of a 409 it would take as final.
 *   Why a lease and not "the owner process is not alive": centers run on several hosts, and only the
 *   database is shared; a lease needs nothing but it. Its limit: a center that is alive but whose
 *   renewals all fail for `leaseMs` (30 s; an event-loop stall or database queue that long) loses the
 *   row while its call still runs. Then its own result is not stored (every write names its owner),
 *   and the settlement's effect is still applied once: the issuance's state machine moves by
 *   compare-and-set, so the second run finds the state already moved and is refused.
 *   A payment is never taken over: its first call may have paid, and a payment's result must stay its
 *   result (docs/misissuance.md#r3). Rows from before migration 0306 have no lease and are never
 *   taken over (the sweeper drops them at the idempotency TTL).
 */
import { createHash, randomUUID } from 'node:crypto';
import { MadoguchiError, errorCatalog, type ErrorBody, type ErrorCode } from '@madoguchi/shared';
import { preparedStatement, type CenterDatabase } from '../db/database.js';
import { canonicalJson } from './canonical-json.js';

export interface StoredResponse {
  status: number;
  body: unknown;
  /** True when this is a replay of an earlier call's result. */
  replayed: boolean;
}

export function errorBodyOf(code: ErrorCode, issues?: readonly { path: string; message: string }[]): ErrorBody {
  const def = errorCatalog[code];
  return { error: { code, message: def.ja, messageEn: def.en, ...(issues ? { issues: [...issues] } : {}) } };
}

export interface IdempotentCall {
  terminalId: string;
  key: string;
  operation: string;
  /** Everything that defines the request (path parameters and body without the key). */
  request: unknown;
  now: Date;
  /** How long a duplicate waits for a first call that is still running. */
  waitMs?: number;
  /** How long a running call's claim on its key lasts without renewal (LEASE_MS; tests shorten it). */
  leaseMs?: number;
}

const POLL_MS = 100;
/** A pending row's lease: far above any renewal delay seen under load, far below the outbox's patience. */
export const LEASE_MS = 30_000;

/** Calls whose server fault is let go rather than stored (see above): settlements the kiosk resends from its journal. */
const SETTLEMENT_OPERATIONS: ReadonlySet<string> = new Set(['print-result', 'cancel']);

/*
 * The statements every idempotent call sends (a claim and its result, twice per kiosk call), built and compiled once
 * per database (db/database.ts preparedStatement): building them anew cost the serving thread more than sending them.
 */
interface KeyClaim {
  terminalId: string;
  key: string;
  operation: string;
  requestSha256: string;
  createdAt: string;
  owner: string;
  leaseExpiresAt: string;
}

const insertKey = preparedStatement(
  ['terminalId', 'key', 'operation', 'requestSha256', 'createdAt', 'owner', 'leaseExpiresAt'],
  (db, p: KeyClaim) =>
    db
      .insertInto('idempotency_keys')
      .values({
        terminal_id: p.terminalId,
        idempotency_key: p.key,
        operation: p.operation,
        request_sha256: p.requestSha256,
        state: 'pending',
        response_status: null,
        response_json: null,
        created_at: p.createdAt,
        owner: p.owner,
        lease_expires_at: p.leaseExpiresAt,
      })
      .onConflict((oc) => oc.columns(['terminal_id', 'idempotency_key']).doNothing()),
);

const keyRow = preparedStatement(['terminalId', 'key'], (db, p: { terminalId: string; key: string }) =>
  db.selectFrom('idempotency_keys').selectAll().where('terminal_id', '=', p.terminalId).where('idempotency_key', '=', p.key),
);

/** The result, unless the row was taken over meanwhile (every write names its owner). */
const storeResult = preparedStatement(
  ['terminalId', 'key', 'owner', 'status', 'json'],
  (db, p: { terminalId: string; key: string; owner: string; status: number; json: string }) =>
    db
      .updateTable('idempotency_keys')
      .set({ state: 'done', response_status: p.status, response_json: p.json })
      .where('terminal_id', '=', p.terminalId)
      .where('idempotency_key', '=', p.key)
      .where('owner', '=', p.owner),
);

export async function runIdempotent(database: CenterDatabase, call: IdempotentCall, run: () => Promise<unknown>): Promise<StoredResponse> {
  const requestSha256 = createHash('sha256')
    .update(canonicalJson({ operation: call.operation, request: call.request }))
    .digest('hex');
  const lease: Lease = { owner: randomUUID(), ms: call.leaseMs ?? LEASE_MS };
  const settlement = SETTLEMENT_OPERATIONS.has(call.operation);
  const inserted = await insertKey(database.db, {
    terminalId: call.terminalId,
    key: call.key,
    operation: call.operation,
    requestSha256,
    createdAt: call.now.toISOString(),
    owner: lease.owner,
    leaseExpiresAt: leaseEnd(lease),
  });
  if (Number(inserted.numAffectedRows ?? 0n) === 0) {
    let deadline: number | undefined;
    for (;;) {
      const row = (await keyRow(database.db, { terminalId: call.terminalId, key: call.key })).rows[0];
      // The first call's server fault let its key go while this one waited: this one runs it.
      if (row === undefined) return runIdempotent(database, call, run);
      if (row.request_sha256 !== requestSha256) throw new MadoguchiError('ISSUANCE_IDEMPOTENCY_CONFLICT', `key used for ${row.operation}`);
      if (row.state === 'done' && row.response_json !== null && row.response_status !== null) {
        return { status: row.response_status, body: JSON.parse(row.response_json), replayed: true };
      }
      // A settlement whose first call's lease ran out (its center died): take the row over, or see who did.
      if (settlement && row.owner !== null && row.lease_expires_at !== null && row.lease_expires_at < new Date().toISOString()) {
        if (await takeOver(database, call, { owner: row.owner, leaseExpiresAt: row.lease_expires_at }, lease)) break;
        continue;
      }
      // Wait only while the first call can still be running: a pending row older than the wait
      // window was left by a process that died (the sweeper settles its issuance).
      deadline ??= Date.now() + (call.waitMs ?? 0) - Math.max(0, call.now.getTime() - Date.parse(row.created_at));
      if (Date.now() >= deadline) {
        // A settlement's outbox must not take "still running" for a decision: it sends it again later.
        if (settlement) throw new MadoguchiError('ISSUANCE_STILL_RUNNING', 'the first call with this key holds its lease');
        throw new MadoguchiError('ISSUANCE_INVALID_STATE', 'the first call with this key is still running or never finished');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  return runOwned(database, call, lease, settlement, run);
}

interface Lease {
  owner: string;
  ms: number;
}

/** The lease's end from now, on the wall clock (not `call.now`, the business clock a demo or test may hold still). */
function leaseEnd(lease: Lease): string {
  return new Date(Date.now() + lease.ms).toISOString();
}

/** Runs the call on a row this call owns, renewing its lease meanwhile, and stores the result. */
async function runOwned(
  database: CenterDatabase,
  call: IdempotentCall,
  lease: Lease,
  settlement: boolean,
  run: () => Promise<unknown>,
): Promise<StoredResponse> {
  const renewal = setInterval(() => void renew(database, call, lease).catch(() => undefined), Math.max(1, Math.floor(lease.ms / 6)));
  renewal.unref();
  let status: number;
  let body: unknown;
  try {
    body = await run();
    status = 200;
  } catch (error) {
    clearInterval(renewal);
    // A refusal is a result too: the retry gets the same refusal, never a second attempt that
    // might succeed behind the kiosk's back (docs/misissuance.md#r3).
    const code: ErrorCode = error instanceof MadoguchiError ? error.code : 'INTERNAL';
    status = errorCatalog[code].status;
    if (status >= 500 && settlement) {
      await forget(database, call, lease);
      throw error;
    }
    body = errorBodyOf(code, error instanceof MadoguchiError ? error.issues : undefined);
    await store(database, call, lease, status, body);
    throw error;
  }
  clearInterval(renewal);
  await store(database, call, lease, status, body);
  return { status, body, replayed: false };
}

/** Compare-and-set on the lease as read: true when this call now owns the row. */
async function takeOver(database: CenterDatabase, call: IdempotentCall, seen: { owner: string; leaseExpiresAt: string }, lease: Lease) {
  const taken = await database.db
    .updateTable('idempotency_keys')
    .set({ owner: lease.owner, lease_expires_at: leaseEnd(lease) })
    .where('terminal_id', '=', call.terminalId)
    .where('idempotency_key', '=', call.key)
    .where('state', '=', 'pending')
    .where('owner', '=', seen.owner)
    .where('lease_expires_at', '=', seen.leaseExpiresAt)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

async function renew(database: CenterDatabase, call: IdempotentCall, lease: Lease): Promise<void> {
  await database.db
    .updateTable('idempotency_keys')
    .set({ lease_expires_at: leaseEnd(lease) })
    .where('terminal_id', '=', call.terminalId)
    .where('idempotency_key', '=', call.key)
    .where('state', '=', 'pending')
    .where('owner', '=', lease.owner)
    .execute();
}

/** Stores the result, unless the row was taken over meanwhile (the taker's result is the one kept). */
async function store(database: CenterDatabase, call: IdempotentCall, lease: Lease, status: number, body: unknown): Promise<void> {
  const values = { terminalId: call.terminalId, key: call.key, owner: lease.owner, status, json: JSON.stringify(body) };
  await storeResult(database.db, values);
}

async function forget(database: CenterDatabase, call: IdempotentCall, lease: Lease): Promise<void> {
  await database.db
    .deleteFrom('idempotency_keys')
    .where('terminal_id', '=', call.terminalId)
    .where('idempotency_key', '=', call.key)
    .where('state', '=', 'pending')
    .where('owner', '=', lease.owner)
    .execute();
}

/** A stored error response, rethrown as the same catalog error on replay. */
export function errorFromStored(body: unknown): MadoguchiError | null {
  const code = (body as Partial<ErrorBody> | null)?.error?.code;
  return code && Object.hasOwn(errorCatalog, code) ? new MadoguchiError(code as ErrorCode, 'replayed result') : null;
}
