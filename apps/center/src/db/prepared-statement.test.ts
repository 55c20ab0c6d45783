import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, preparedStatement, type CenterDatabase } from './database.js';
import { migrate } from './migrate.js';

describe('preparedStatement', () => {
  let database: CenterDatabase;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await migrate(database);
  });
  afterAll(() => database?.close());

  const insert = preparedStatement(['key', 'operation', 'createdAt'], (db, p: { key: string; operation: string; createdAt: string }) =>
    db
      .insertInto('idempotency_keys')
      .values({
        terminal_id: 'T0001',
        idempotency_key: p.key,
        operation: p.operation,
        request_sha256: 'r',
        state: 'pending',
        response_status: null,
        response_json: null,
        created_at: p.createdAt,
      })
      .onConflict((oc) => oc.columns(['terminal_id', 'idempotency_key']).doNothing()),
  );
  const byKey = preparedStatement(['key'], (db, p: { key: string }) =>
    db.selectFrom('idempotency_keys').select(['operation', 'created_at', 'state', 'response_status']).where('idempotency_key', '=', p.key),
  );

  it('runs the statement compiled once with each call’s values in their places, constants kept', async () => {
    expect(Number((await insert(database.db, { key: 'k1', operation: 'pay', createdAt: '2026-12-07T03:00:00Z' })).numAffectedRows)).toBe(1);
    expect(Number((await insert(database.db, { key: 'k2', operation: 'cancel', createdAt: '2026-12-07T04:00:00Z' })).numAffectedRows)).toBe(
      1,
    );
    // The conflict clause is the built one: a second claim of the same key inserts nothing.
    expect(Number((await insert(database.db, { key: 'k1', operation: 'quote', createdAt: 'x' })).numAffectedRows)).toBe(0);
    expect((await byKey(database.db, { key: 'k1' })).rows).toEqual([
      { operation: 'pay', created_at: '2026-12-07T03:00:00Z', state: 'pending', response_status: null },
    ]);
    expect((await byKey(database.db, { key: 'k2' })).rows).toEqual([
      { operation: 'cancel', created_at: '2026-12-07T04:00:00Z', state: 'pending', response_status: null },
    ]);
    expect((await byKey(database.db, { key: 'none' })).rows).toEqual([]);
  });

  it('refuses a name the builder did not make a parameter', async () => {
    const unused = preparedStatement(['key', 'other'], (db, p: { key: string; other: string }) =>
      db.selectFrom('idempotency_keys').select('operation').where('idempotency_key', '=', p.key),
    );
    await expect(unused(database.db, { key: 'k1', other: 'x' })).rejects.toThrow(/other is not a parameter/);
  });
});
