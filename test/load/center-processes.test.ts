/**
 * The load run's crash and restart tools, each against real processes: two center processes on one
 * PostgreSQL server of this file's own, a kiosk's own center client (mutual TLS) calling them while
 * one is killed at a random moment, while both restart in turn, and while PostgreSQL itself is
 * restarted; and a SQLite center whose write lock another process holds.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate, openDatabase, type CenterDatabase } from '@madoguchi/center';
import { createCenterClient, type CenterClient } from '@madoguchi/kiosk/center-client';
import { MadoguchiError } from '@madoguchi/shared';
import { createHarness } from '../support/databases.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { kioskAt, newKey, ok, startCenter, TEST_NOW, type CenterHarness, type TestKiosk } from '../center/support/center-harness.js';
import { centerEnv, startCenters, type CenterFleet } from './center-processes.js';
import { postgresControl } from './postgres-restart.js';
import { holdSqliteWriteLock } from './sqlite-lock.js';

describe('two center processes on one PostgreSQL database', () => {
  let server: PostgresServer;
  let database: CenterDatabase;
  let center: CenterHarness;
  let kiosk: TestKiosk;
  let fleet: CenterFleet;
  let client: CenterClient;

  beforeAll(async () => {
    // A server of this file's own: the test restarts it.
    server = await startPostgres();
    const config = { kind: 'postgres' as const, connectionString: await server.createDatabase() };
    database = await openDatabase(config);
    await migrate(database);
    center = await startCenter(database, { build: { sweeper: false } });
    kiosk = await center.enrollKiosk();
    const startedAt = Date.now();
    fleet = await startCenters(2, () =>
      centerEnv(center, config, { MADOGUCHI_CLOCK: new Date(TEST_NOW.getTime() + Date.now() - startedAt).toISOString() }),
    );
    client = createCenterClient({ baseUrls: fleet.baseUrls, cert: kiosk.certPem, key: kiosk.keyPem, ca: center.caPem });
  }, 180_000);

  afterAll(async () => {
    client?.close();
    await fleet?.stopAll();
    await center?.close();
    await database?.close().catch(() => undefined);
    await server?.stop();
  });

  /**
   * Challenges one after another until `done` settles: how many were answered, and every failure but
   * the documented one — a call whose first attempt was cut mid-way by the kill is refused at the
   * other center as ISSUANCE_INVALID_STATE (ARCHITECTURE.md, "several centers"), never run twice.
   */
  async function callWhile(done: Promise<unknown>) {
    let finished = false;
    void done.finally(() => (finished = true));
    const failures: unknown[] = [];
    let answered = 0;
    while (!finished) {
      await client.challenge().then(
        () => answered++,
        (error: unknown) => {
          if (!(error instanceof MadoguchiError && error.code === 'ISSUANCE_INVALID_STATE')) failures.push(error);
        },
      );
    }
    return { answered, failures };
  }

  it('one killed (SIGKILL) at a random moment and restarted on its port: the kiosk’s calls answered through the other', async () => {
    const pids = [0, 1].map((i) => fleet.process(i).child.pid);
    const urls = [...fleet.baseUrls];
    const killing = fleet.killAtRandomMoment({ withinMs: 1_000, seed: 14 });
    const { answered, failures } = await callWhile(killing);
    const { index } = await killing;
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    expect(fleet.crashes()).toBe(1);
    expect(fleet.process(index).child.pid).not.toBe(pids[index]);
    expect(fleet.process(index).baseUrl).toBe(urls[index]);
    const direct = kioskAt(kiosk, fleet.baseUrls[index]!, center.caPem);
    ok(await direct.call('bindingKey', {}));
    direct.close();
  }, 180_000);

  it('a rolling restart (each stopped gracefully, restarted, listening before the next): the kiosk’s calls answered', async () => {
    const pids = [0, 1].map((i) => fleet.process(i).child.pid);
    const { answered, failures } = await callWhile(fleet.rollingRestart());
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    expect([0, 1].map((i) => fleet.process(i).child.pid)).not.toContain(pids[0]);
    expect([0, 1].map((i) => fleet.process(i).child.pid)).not.toContain(pids[1]);
  }, 180_000);

  it('a center that exits on its own is named with its exit, and started again on its port', async () => {
    const before = fleet.process(1).child.pid!;
    expect(fleet.deaths()).toEqual([]);
    // Not through the fleet: as a crash of the center's own would end it.
    process.kill(before, 'SIGKILL');
    await vi.waitFor(() => expect(fleet.process(1).child.pid).not.toBe(before), { timeout: 60_000, interval: 200 });
    expect(fleet.deaths()).toMatchObject([{ index: 1, exit: 'SIGKILL' }]);
    expect(fleet.crashes()).toBe(1); // the earlier test's kill only
    const direct = kioskAt(kiosk, fleet.baseUrls[1]!, center.caPem);
    await vi.waitFor(async () => ok(await direct.call('bindingKey', {})), { timeout: 30_000, interval: 250 });
    direct.close();
  }, 90_000);

  it('PostgreSQL stopped fast and started under calls: refused while down, never a dead center; both serve again after', async () => {
    // This process's own pool would meet the cut too; the centers are what is under test.
    await database.close();
    const control = await postgresControl(server.adminConnectionString);
    const clients = fleet.baseUrls.map((url) => kioskAt(kiosk, url, center.caPem));
    const statuses: number[] = [];
    let stopping = true;
    // Calls at both centers across the stop, as a load run makes them: queries in flight when the server cuts them.
    const calling = Promise.all(
      clients.map(async (c) => {
        while (stopping) statuses.push((await c.call('challenge', { body: { idempotencyKey: newKey() } })).status);
      }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      control.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      stopping = false;
      await calling;
      expect(statuses.filter((s) => s >= 500).length).toBeGreaterThan(0);
      control.start();
      for (const c of clients) {
        await vi.waitFor(async () => ok(await c.call('challenge', { body: { idempotencyKey: newKey() } })), {
          timeout: 30_000,
          interval: 250,
        });
      }
    } catch (error) {
      const why = [0, 1].map((i) => `center ${i} exit ${fleet.process(i).child.exitCode}: ${fleet.stderrOf(i).slice(-600)}`);
      throw new Error(`${(error as Error).message}\n${why.join('\n')}`);
    } finally {
      for (const c of clients) c.close();
    }
    for (const index of [0, 1]) expect(fleet.process(index).child.exitCode).toBeNull();
  }, 60_000);
});

describe('a SQLite write lock held by another process', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let kiosk: TestKiosk;
  let path: string;

  beforeAll(async () => {
    const database = await harness.fresh();
    const config = harness.configOf(database);
    if (config.kind !== 'sqlite') throw new Error('sqlite only');
    path = config.path;
    center = await startCenter(database, { build: { sweeper: false } });
    kiosk = await center.enrollKiosk();
  }, 120_000);

  afterAll(async () => {
    await center?.close();
    await harness.dispose();
  });

  it('the center meets SQLITE_BUSY and waits: its write lands after the lock is let go, and the call is answered', async () => {
    const idempotencyKey = newKey();
    // The holder looks, at the end of its hold, for the row the center's call writes.
    const lock = await holdSqliteWriteLock(path, 3_000, {
      readAtEnd: `select count(*) as n from idempotency_keys where idempotency_key = '${idempotencyKey}'`,
    });
    const answer = kiosk.call('challenge', { body: { idempotencyKey } });
    expect(await lock.released).toEqual([{ n: 0 }]);
    ok(await answer);
    const written = await center.database.db
      .selectFrom('idempotency_keys')
      .select('state')
      .where('idempotency_key', '=', idempotencyKey)
      .execute();
    expect(written).toEqual([{ state: 'done' }]);
  });
});
