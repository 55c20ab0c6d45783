/**
 * Idempotency keys on every mutating kiosk call, stored in the database so a retry that lands on
 * another center process (or after a restart) still finds the first call's result.
 *
 * - first call: a `pending` row is inserted (the primary key (terminal, key) lets only one caller
 *   win), the operation runs, and its response (or its refusal) is stored as `done`;
 * - same key, same request: the stored response is returned, never a second execution;
 * - same key, different request: ISSUANCE_IDEMPOTENCY_CONFLICT;
 * - same key while the first call still runs: wait for its result (up to `waitMs`), then the same
 *   answer; if it is still running after that (or its process died), ISSUANCE_INVALID_STATE;
 * - a server fault (a 5xx) of a settlement call (a print result, a cancel) is not its result: the
 *   key is let go, so the kiosk's journal outbox, which sends it again with the same key until the
 *   center decides, gets a decision once the fault has passed, not the fault replayed for ever.
 *   Their effect is guarded by the issuance's state (a second refund is refused), so running one
 *   again is safe; a payment's 5xx stays its result (docs/misissuance.md#r3).
 */
import { createHash } from 'node:crypto';
import { MadoguchiError, errorCatalog, type ErrorBody, type ErrorCode } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
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
}

const POLL_MS = 100;

/** Calls whose server fault is let go rather than stored (see above): settlements the kiosk resends from its journal. */
const SETTLEMENT_OPERATIONS: ReadonlySet<string> = new Set(['print-result', 'cancel']);

export async function runIdempotent(database: CenterDatabase, call: IdempotentCall, run: () => Promise<unknown>): Promise<StoredResponse> {
  const requestSha256 = createHash('sha256')
    .update(canonicalJson({ operation: call.operation, request: call.request }))
    .digest('hex');
  const inserted = await database.db
    .insertInto('idempotency_keys')
    .values({
      terminal_id: call.terminalId,
      idempotency_key: call.key,
      operation: call.operation,
      request_sha256: requestSha256,
      state: 'pending',
      response_status: null,
      response_json: null,
      created_at: call.now.toISOString(),
    })
    .onConflict((oc) => oc.columns(['terminal_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();

  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    let deadline: number | undefined;
    for (;;) {
      const row = await database.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('terminal_id', '=', call.terminalId)
        .where('idempotency_key', '=', call.key)
        .executeTakeFirst();
      // The first call's server fault let its key go while this one waited: this one runs it.
      if (row === undefined) return runIdempotent(database, call, run);
      if (row.request_sha256 !== requestSha256) throw new MadoguchiError('ISSUANCE_IDEMPOTENCY_CONFLICT', `key used for ${row.operation}`);
      if (row.state === 'done' && row.response_json !== null && row.response_status !== null) {
        return { status: row.response_status, body: JSON.parse(row.response_json), replayed: true };
      }
      // Wait only while the first call can still be running: a pending row older than the wait
      // window was left by a process that died (the sweeper settles its issuance).
      deadline ??= Date.now() + (call.waitMs ?? 0) - Math.max(0, call.now.getTime() - Date.parse(row.created_at));
      if (Date.now() >= deadline)
        throw new MadoguchiError('ISSUANCE_INVALID_STATE', 'the first call with this key is still running or never finished');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  let status: number;
  let body: unknown;
  try {
    body = await run();
    status = 200;
  } catch (error) {
    // A refusal is a result too: the retry gets the same refusal, never a second attempt that
    // might succeed behind the kiosk's back (docs/misissuance.md#r3).
    const code: ErrorCode = error instanceof MadoguchiError ? error.code : 'INTERNAL';
    status = errorCatalog[code].status;
    if (status >= 500 && SETTLEMENT_OPERATIONS.has(call.operation)) {
      await forget(database, call);
      throw error;
    }
    body = errorBodyOf(code, error instanceof MadoguchiError ? error.issues : undefined);
    await store(database, call, status, body);
    throw error;
  }
  await store(database, call, status, body);
  return { status, body, replayed: false };
}

async function store(database: CenterDatabase, call: IdempotentCall, status: number, body: unknown): Promise<void> {
  await database.db
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: status, response_json: JSON.stringify(body) })
    .where('terminal_id', '=', call.terminalId)
    .where('idempotency_key', '=', call.key)
    .execute();
}

async function forget(database: CenterDatabase, call: IdempotentCall): Promise<void> {
  await database.db
    .deleteFrom('idempotency_keys')
    .where('terminal_id', '=', call.terminalId)
    .where('idempotency_key', '=', call.key)
    .where('state', '=', 'pending')
    .execute();
}

/** A stored error response, rethrown as the same catalog error on replay. */
export function errorFromStored(body: unknown): MadoguchiError | null {
  const code = (body as Partial<ErrorBody> | null)?.error?.code;
  return code && Object.hasOwn(errorCatalog, code) ? new MadoguchiError(code as ErrorCode, 'replayed result') : null;
}
