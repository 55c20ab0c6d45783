/**
 * A settlement's idempotency row taken over from a center that died mid-call, on PostgreSQL with two
 * handles standing for two center processes (apps/center/src/issuance/idempotency.test.ts has the same
 * rules on SQLite): the retries of both surviving centers race over real connections for one dead
 * call's row, and exactly one of them runs it. Closing a handle is its center dying: the dead call's
 * lease renewals fail from then on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIdempotent, type CenterDatabase, type IdempotentCall } from '@madoguchi/center';
import { createHarness } from '../support/databases.js';

const LEASE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const call = (operation: string, key: string, waitMs = 5_000): IdempotentCall => ({
  terminalId: 'T0001',
  key,
  operation,
  request: { issuanceId: 'x' },
  now: new Date(),
  waitMs,
  leaseMs: LEASE_MS,
});

describe('a dead center’s pending settlement on PostgreSQL, two surviving centers', () => {
  const harness = createHarness('postgres');
  let first: CenterDatabase;
  let second: CenterDatabase;
  beforeAll(async () => {
    first = await harness.fresh();
    second = await harness.openAnother(first);
  });
  afterAll(() => harness.dispose());

  async function dieMidCall(operation: string, key: string): Promise<void> {
    const doomed = await harness.openAnother(first);
    void runIdempotent(doomed, call(operation, key), () => new Promise(() => undefined)).catch(() => undefined);
    await sleep(100);
    await doomed.close();
  }

  it('ten retries over both centers race for the row: one runs the cancel, all get its answer', async () => {
    await dieMidCall('cancel', 'cancel-dead');
    let runs = 0;
    const retry = (database: CenterDatabase) =>
      runIdempotent(database, call('cancel', 'cancel-dead'), async () => {
        runs++;
        await sleep(100);
        return { refunded: true };
      });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => retry(i % 2 === 0 ? first : second)));
    expect(runs).toBe(1);
    expect(answers.map((a) => a.body)).toEqual(Array(10).fill({ refunded: true }));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
  });

  it('a payment whose center died is not taken over by either center', async () => {
    await dieMidCall('payment', 'pay-dead');
    await sleep(2 * LEASE_MS);
    let runs = 0;
    const outcomes = await Promise.all(
      [first, second].map((database) =>
        runIdempotent(database, call('payment', 'pay-dead', 200), async () => (runs++, { paid: true })).then(
          () => 'answered',
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    expect(outcomes).toEqual(['ISSUANCE_INVALID_STATE', 'ISSUANCE_INVALID_STATE']);
    expect(runs).toBe(0);
  });
});
