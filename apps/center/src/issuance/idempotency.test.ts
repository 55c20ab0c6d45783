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
