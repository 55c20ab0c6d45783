/**
 * The real kiosk main process (createKioskMain, demo reader and printer) sends its heartbeat to a
 * real center over mutual TLS (issue 12 item 3; issue 13 item 1's "reports it in its heartbeat"):
 * at start and then on its interval (shortened here from a minute), with its package's version, the
 * reader, the printer's state as the printer reports it, the cash unit and its own clock. A beat the
 * center cannot take is only logged, and the next one gets through once the center answers.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { startTcpRelay, type TcpRelay } from './support/tcp-relay.js';
import { until } from './support/until.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKioskMain, type KioskMain } from '@madoguchi/kiosk';
import { createHarness } from '../support/databases.js';
import { startCenter, type CenterHarness, type TestKiosk } from '../center/support/center-harness.js';

const kioskVersion = (JSON.parse(readFileSync(new URL('../../apps/kiosk/package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

describe('the kiosk main process sends its heartbeat', () => {
  const databases = createHarness('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-heartbeat-'));
  const spoolDir = join(dir, 'spool');
  let center: CenterHarness;
  let enrolled: TestKiosk;
  let relay: TcpRelay;
  let kiosk: KioskMain;
  const logged: { event: string; fields?: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    center = await startCenter(await databases.fresh(), { build: { sweeper: false } });
    enrolled = await center.enrollKiosk();
    relay = await startTcpRelay();
    writeFileSync(join(dir, 'cert.pem'), enrolled.certPem);
    writeFileSync(join(dir, 'key.pem'), enrolled.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.pem'), center.caPem);
  }, 60_000);
  afterAll(async () => {
    await kiosk?.close();
    await relay?.close();
    await center?.close();
    await databases.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const latest = () =>
    center.database.db.selectFrom('kiosk_heartbeats').selectAll().where('terminal_id', '=', enrolled.terminalId).executeTakeFirst();

  it('logs a beat the center cannot take, sends the next once it answers, and reports the demo printer as it changes', async () => {
    kiosk = await createKioskMain(
      {
        center: { baseUrl: relay.url, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), caFile: join(dir, 'ca.pem') },
        spoolDir,
        reader: { kind: 'demo', cardsStateDir: join(dir, 'cards') },
        heartbeatIntervalMs: 250,
      },
      (event, fields) => logged.push({ event, ...(fields ? { fields } : {}) }),
    );
    // The center is out of reach: the beat at start is logged by its code, and nothing blocks the kiosk.
    await until('a beat not sent', () => logged.find((l) => l.event === 'heartbeat not sent'), 20_000);
    expect(logged.find((l) => l.event === 'heartbeat not sent')!.fields).toEqual({ code: 'ISSUANCE_CENTER_UNREACHABLE' });
    expect(await latest()).toBeUndefined();
    expect(kiosk.session.getView().screen).toBe('idle');

    const before = Date.now();
    relay.to(Number(new URL(center.baseUrl).port));
    const first = await until('a heartbeat at the center', latest, 20_000);
    expect(first).toMatchObject({
      software_version: kioskVersion,
      reader_state: 'ready',
      printer_state: 'ready',
      cash_state: 'ready',
      last_issuance_at: null,
    });
    expect(Date.parse(first.kiosk_clock_at)).toBeGreaterThanOrEqual(before - 1_000);

    // The demo printer cannot print once its spool folder is gone: the next beats say so, then that it is back.
    rmSync(spoolDir, { recursive: true, force: true });
    writeFileSync(spoolDir, 'not a folder');
    await until('printer offline', async () => ((await latest())?.printer_state === 'offline' ? true : undefined), 20_000);
    rmSync(spoolDir);
    mkdirSync(spoolDir, { mode: 0o700 });
    await until('printer ready again', async () => ((await latest())?.printer_state === 'ready' ? true : undefined), 20_000);
    // Each beat is a new heartbeat (its own key): several arrived by now.
    expect((await latest())!.heartbeat_key).not.toBe(first.heartbeat_key);
  }, 60_000);
});
