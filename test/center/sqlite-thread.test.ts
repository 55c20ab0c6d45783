/**
 * SQLite work never holds the thread that accepts kiosk connections (issue 14 item 5): while a slow
 * statement runs, a new kiosk's TLS handshake completes. With better-sqlite3 on the serving thread
 * the statement held the thread, so the handshake could only finish after it (seen: accepts waiting
 * 4-26 s under load). The statement is made slow on purpose (a recursive count of several million
 * rows, seconds on this machine) so the order does not depend on the machine's speed.
 */
import { connect } from 'node:tls';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../support/databases.js';
import { startCenter, type CenterHarness, type TestKiosk } from './support/center-harness.js';

describe('sqlite: the SQLite thread', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let kiosk: TestKiosk;

  beforeAll(async () => {
    center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
    kiosk = await center.enrollKiosk();
  });
  afterAll(async () => {
    kiosk?.close();
    await center?.close();
    await harness.dispose();
  });

  const handshake = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(center.baseUrl);
      const socket = connect({ host: hostname, port: Number(port), ca: center.caPem, key: kiosk.keyPem, cert: kiosk.certPem }, () => {
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
    });

  it('a new kiosk connection completes its TLS handshake while a slow statement runs', async () => {
    const order: string[] = [];
    const slow = sql<{
      n: number;
    }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 2000000) select count(*) as n from c`
      .execute(center.database.db)
      .then((result) => {
        order.push('statement');
        return result.rows[0]?.n;
      });
    await handshake().then(() => order.push('handshake'));
    expect(await slow).toBe(2_000_000);
    expect(order).toEqual(['handshake', 'statement']);
  });

  it('answers the same as in-thread: a refused statement rejects with its SQLite code, and the connection goes on', async () => {
    const refused = await sql`insert into kiosks (terminal_id) values (null)`.execute(center.database.db).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
    expect((await sql<{ one: number }>`select 1 as one`.execute(center.database.db)).rows).toEqual([{ one: 1 }]);
  });
});
