import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MadoguchiError } from '@madoguchi/shared';
import { openDatabase, type CenterDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { runIdempotent, type IdempotentCall } from './idempotency.js';

const now = new Date('2026-12-07T03:00:00Z');

describe('runIdempotent and server faults', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
  });
  afterAll(() => database?.close());

  const call = (operation: string, key: string): IdempotentCall => ({
    terminalId: 'T0001',
    key,
    operation,
    request: { issuanceId: 'x' },
    now,
  });
  const fault = (): Promise<never> => Promise.reject(new MadoguchiError('INTERNAL', 'the database went away'));
  const codeOf = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'answered',
      (e: unknown) => (e as MadoguchiError).code,
    );

  it.each(['cancel', 'print-result'])('a %s whose first run met a server fault runs again under the same key, once', async (operation) => {
    let runs = 0;
    expect(await codeOf(runIdempotent(database, call(operation, `${operation}-1`), () => (runs++, fault())))).toBe('INTERNAL');
    const second = await runIdempotent(database, call(operation, `${operation}-1`), async () => (runs++, { refunded: true }));
    expect(second).toEqual({ status: 200, body: { refunded: true }, replayed: false });
    const third = await runIdempotent(database, call(operation, `${operation}-1`), async () => (runs++, { refunded: 'twice' }));
    expect(third).toEqual({ status: 200, body: { refunded: true }, replayed: true });
    expect(runs).toBe(2);
  });

  it('a settlement refused (a 4xx) stays refused under its key: that is a decision, not a fault', async () => {
    const refuse = (): Promise<never> => Promise.reject(new MadoguchiError('ISSUANCE_INVALID_STATE', 'already refunded'));
    expect(await codeOf(runIdempotent(database, call('cancel', 'cancel-4xx'), refuse))).toBe('ISSUANCE_INVALID_STATE');
    const again = await runIdempotent(database, call('cancel', 'cancel-4xx'), async () => ({ refunded: true }));
    expect(again.status).toBe(409);
    expect(again.replayed).toBe(true);
  });

  it('a payment’s server fault stays its result: the retry gets the same 5xx and nothing runs again', async () => {
    let runs = 0;
    expect(await codeOf(runIdempotent(database, call('payment', 'pay-1'), () => (runs++, fault())))).toBe('INTERNAL');
    const again = await runIdempotent(database, call('payment', 'pay-1'), async () => (runs++, { paid: true }));
    expect(again).toMatchObject({ status: 500, replayed: true });
    expect(runs).toBe(1);
  });

  it('a duplicate waiting on a settlement whose first run faults runs it itself and is answered', async () => {
    let release!: () => void;
    const first = codeOf(
      runIdempotent(
        database,
        call('cancel', 'cancel-wait'),
        () =>
          new Promise<never>((_, reject) => {
            release = () => reject(new MadoguchiError('INTERNAL', 'the database went away'));
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
    const duplicate = runIdempotent(database, { ...call('cancel', 'cancel-wait'), waitMs: 5_000 }, async () => ({ refunded: true }));
    await new Promise((r) => setTimeout(r, 150));
    release();
    expect(await first).toBe('INTERNAL');
    expect(await duplicate).toEqual({ status: 200, body: { refunded: true }, replayed: false });
  });
});

/**
 * A center that dies mid-call leaves its key's row pending. A settlement (print result, cancel) retried
 * at a surviving center must get a decision, not ISSUANCE_INVALID_STATE, which the kiosk's outbox takes
 * as final: it takes the row over once the dead call's lease has run out. Two handles on one SQLite
 * file stand for two centers; closing one is its center dying (its lease renewals fail from then on).
 */
describe('runIdempotent and a center that died mid-call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-idempotency-'));
  const path = join(dir, 'center.sqlite');
  let survivor: CenterDatabase;
  beforeAll(async () => {
    survivor = await openDatabase({ kind: 'sqlite', path });
    await migrate(survivor);
  });
  afterAll(async () => {
    await survivor?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const LEASE_MS = 300;
  const call = (operation: string, key: string, waitMs = 5_000): IdempotentCall => ({
    terminalId: 'T0001',
    key,
    operation,
    request: { issuanceId: 'x' },
    now: new Date(),
    waitMs,
    leaseMs: LEASE_MS,
  });
  const codeOf = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'answered',
      (e: unknown) => (e as MadoguchiError).code,
    );
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** A center starts `operation` under `key`, never finishes it, and dies (its database handle closed). */
  async function dieMidCall(operation: string, key: string): Promise<void> {
    const doomed = await openDatabase({ kind: 'sqlite', path });
    void runIdempotent(doomed, call(operation, key), () => new Promise(() => undefined)).catch(() => undefined);
    await sleep(50);
    await doomed.close();
  }

  it.each(['cancel', 'print-result'])(
    'a %s retried after its center died takes the pending row over and is answered, once',
    async (operation) => {
      await dieMidCall(operation, `${operation}-dead`);
      let runs = 0;
      const retried = await runIdempotent(survivor, call(operation, `${operation}-dead`), async () => (runs++, { refunded: true }));
      expect(retried).toEqual({ status: 200, body: { refunded: true }, replayed: false });
      const again = await runIdempotent(survivor, call(operation, `${operation}-dead`), async () => (runs++, { refunded: 'twice' }));
      expect(again).toEqual({ status: 200, body: { refunded: true }, replayed: true });
      expect(runs).toBe(1);
    },
  );

  it('of five retries racing for one dead call’s row, exactly one runs it and all get its answer', async () => {
    await dieMidCall('cancel', 'cancel-race');
    let runs = 0;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        runIdempotent(survivor, call('cancel', 'cancel-race'), async () => {
          runs++;
          await sleep(50);
          return { refunded: true };
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(answers.map((a) => a.body)).toEqual(Array(5).fill({ refunded: true }));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
  });

  it('a live center’s settlement keeps its row: a retry past its wait gets ISSUANCE_STILL_RUNNING (503, kept), never a rerun', async () => {
    let finish!: () => void;
    // A longer lease than the dead calls' (renewed every 250 ms): a loaded machine's delays must not pass for a death.
    const live = { ...call('cancel', 'cancel-live'), leaseMs: 1_500 };
    const first = runIdempotent(survivor, live, () => new Promise((r) => (finish = () => r({ refunded: true }))));
    let runs = 0;
    // Two lease lengths: a lease renewed by its live owner never runs out.
    const retry = runIdempotent(survivor, { ...live, waitMs: 3_000 }, async () => (runs++, { refunded: 'twice' }));
    expect(await codeOf(retry)).toBe('ISSUANCE_STILL_RUNNING');
    finish();
    expect(await first).toEqual({ status: 200, body: { refunded: true }, replayed: false });
    expect(await runIdempotent(survivor, call('cancel', 'cancel-live'), async () => (runs++, {}))).toMatchObject({ replayed: true });
    expect(runs).toBe(0);
  });

  it('a payment whose center died is never taken over: its first call may have paid (docs/misissuance.md#r3)', async () => {
    await dieMidCall('payment', 'pay-dead');
    await sleep(2 * LEASE_MS);
    let runs = 0;
    expect(await codeOf(runIdempotent(survivor, call('payment', 'pay-dead', 200), async () => (runs++, { paid: true })))).toBe(
      'ISSUANCE_INVALID_STATE',
    );
    expect(runs).toBe(0);
  });

  it('a stalled owner that lost its lease does not overwrite the result of the call that took the row over', async () => {
    let finish!: () => void;
    const stalled = runIdempotent(
      survivor,
      { ...call('cancel', 'cancel-stalled'), leaseMs: 60_000 },
      () => new Promise((r) => (finish = () => r({ by: 'stalled' }))),
    );
    await sleep(50);
    // What a minute without renewals leaves behind (an event loop or database queue stalled that long).
    await survivor.db
      .updateTable('idempotency_keys')
      .set({ lease_expires_at: new Date(Date.now() - 1).toISOString() })
      .where('idempotency_key', '=', 'cancel-stalled')
      .execute();
    expect((await runIdempotent(survivor, call('cancel', 'cancel-stalled'), async () => ({ by: 'taker' }))).body).toEqual({ by: 'taker' });
    finish();
    await stalled;
    expect((await runIdempotent(survivor, call('cancel', 'cancel-stalled'), async () => ({ by: 'third' }))).body).toEqual({ by: 'taker' });
  });
});
