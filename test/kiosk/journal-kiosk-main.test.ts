/**
 * Issue 13, item 2 in the real kiosk: createKioskMain (what the browser host and Electron shell
 * run) opens the journal in its config's stateDir and, before its first customer, settles what a
 * killed kiosk left unfinished; print results the center could not take are sent again on a timer
 * until it takes them. The transaction is killed mid-way by the journal's crash point in a kiosk
 * child (support/journal-kiosk-child.ts); the restart is kiosk-main itself in a child process
 * (support/journal-kiosk-main-child.ts) with the same stateDir — this file never calls recovery.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskConfig } from '@madoguchi/kiosk';
import { readCashUnitCounters } from '@madoguchi/kiosk/payment';
import { createHarness } from '../support/databases.js';
import { startCenter, type CenterHarness, type TestCard } from '../center/support/center-harness.js';
import type { JournalChildConfig } from './support/journal-kiosk-child.js';
import { startTcpRelay } from './support/tcp-relay.js';
import { until } from './support/until.js';
import {
  cardsOfEligibleResidents,
  expectJournalSettled,
  issuanceOfResident,
  journalRun,
  type JournalRun,
} from './support/journal-records.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const runChildFile = resolve(fileURLToPath(new URL('./support/journal-kiosk-child.ts', import.meta.url)));
const mainChildFile = resolve(fileURLToPath(new URL('./support/journal-kiosk-main-child.ts', import.meta.url)));

function spawnTs(file: string, env: NodeJS.ProcessEnv): ChildProcess & { out: () => string; err: () => string } {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.MADOGUCHI_JOURNAL_CRASH_AT) delete clean.MADOGUCHI_JOURNAL_CRASH_AT;
  const proc = spawn(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return Object.assign(proc, { out: () => stdout, err: () => stderr });
}

const exited = (proc: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.once('exit', (code, signal) => res({ code, signal })));

describe('the real kiosk (kiosk-main) settles its journal at start', () => {
  const harness = createHarness('sqlite');
  let center: CenterHarness;
  let run: JournalRun;
  let pemFiles: KioskConfig['center'];
  const cards: TestCard[] = [];

  beforeAll(async () => {
    const database = await harness.fresh();
    center = await startCenter(database, { build: { sweeper: false } });
    run = await journalRun(center);
    const pems = mkdtempSync(join(tmpdir(), 'kiosk-main-pems-'));
    pemFiles = { certFile: join(pems, 'cert.pem'), keyFile: join(pems, 'key.pem'), caFile: join(pems, 'ca.pem') };
    writeFileSync(pemFiles.certFile, run.certPem);
    writeFileSync(pemFiles.keyFile, run.keyPem, { mode: 0o600 });
    writeFileSync(pemFiles.caFile, center.caPem);
    cards.push(...(await cardsOfEligibleResidents(center, 2)));
  }, 120_000);

  afterAll(async () => {
    await center?.close();
    await harness.dispose();
  });

  /** One resident's two copies, the kiosk SIGKILLed right after the journal wrote `crashAt`. */
  async function killedMidway(card: TestCard, crashAt: string) {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-main-journal-'));
    const config: JournalChildConfig = {
      ...run,
      mode: 'run',
      stateDir: join(dir, 'state'),
      spoolDir: join(dir, 'spool'),
      trayDir: join(dir, 'tray'),
      card: {
        certificateDerBase64: Buffer.from(card.certificateDer).toString('base64'),
        privateKeyPem: card.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    };
    const child = spawnTs(runChildFile, { MADOGUCHI_JOURNAL_CHILD: JSON.stringify(config), MADOGUCHI_JOURNAL_CRASH_AT: crashAt });
    expect((await exited(child)).signal, child.err().slice(-2000)).toBe('SIGKILL');
    return { dir, config };
  }

  /** kiosk-main on the crashed kiosk's stateDir (its journal and its cash unit's log), spool and tray; resolves once it is ready. */
  async function restartKioskMain(killed: Awaited<ReturnType<typeof killedMidway>>, centerUrl: string) {
    const config: KioskConfig = {
      center: { baseUrl: centerUrl, ...pemFiles },
      spoolDir: killed.config.spoolDir,
      demoOutputTray: killed.config.trayDir,
      reader: { kind: 'demo', cardsStateDir: join(killed.dir, 'cards') },
      stateDir: killed.config.stateDir,
      printResultRetryMs: 200,
      // Nobody comes back for a held transaction here (journal-print-after-restart.test.ts has those who do).
      awaitResidentMs: 0,
    };
    const kiosk = spawnTs(mainChildFile, { MADOGUCHI_JOURNAL_KIOSK_MAIN: JSON.stringify(config) });
    const exit = exited(kiosk);
    await until('KIOSK_READY', () => (kiosk.out().includes('KIOSK_READY') ? true : kiosk.exitCode !== null ? true : undefined), 45_000);
    expect(kiosk.out(), kiosk.err().slice(-2000)).toContain('KIOSK_READY');
    const logged = (event: string) =>
      kiosk
        .err()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.event === event);
    return {
      logged,
      async stop() {
        kiosk.kill('SIGTERM');
        expect((await exit).code, kiosk.err().slice(-2000)).toBe(0);
        return kiosk.err();
      },
    };
  }

  const issuanceOf = (card: TestCard) => issuanceOfResident(center, card.residentId);

  it('killed after the center answered paid, its resident gone: the restarted kiosk refunds both copies before anyone else', async () => {
    const card = cards[0]!;
    const killed = await killedMidway(card, 'paid');
    expect((await issuanceOf(card)).state).toBe('delivered');
    const kiosk = await restartKioskMain(killed, center.baseUrl);
    // Ready means recovered: createKioskMain settles the journal before it hands over the session.
    expect(kiosk.logged('journal recovery done')).toEqual([{ event: 'journal recovery done', recovered: 1, undelivered: 0, held: false }]);
    const issuance = await issuanceOf(card);
    expect({ state: issuance.state, printed: issuance.printed, refunds: issuance.refunds }).toEqual({
      state: 'refunded',
      printed: 0,
      refunds: 1,
    });
    expect(existsSync(killed.config.trayDir) ? readdirSync(killed.config.trayDir) : []).toEqual([]);
    // 1000 in; the change and both copies' fees paid back from the cash box: nothing kept.
    expect(keptYen(killed.config.stateDir)).toBe(0);
    const log = await kiosk.stop();
    expect(log).not.toContain(card.residentId);
    expectJournalSettled(killed.config.stateDir);
  }, 60_000);

  it('a print result the center could not take at start is delivered once the center runs again', async () => {
    const card = cards[1]!;
    const killed = await killedMidway(card, 'printed#2');
    const relay = await startTcpRelay();
    // The center is down: the relay has no center process behind it.
    const kiosk = await restartKioskMain(killed, relay.url);
    try {
      expect(kiosk.logged('journal recovery done')).toEqual([
        { event: 'journal recovery done', recovered: 1, undelivered: 1, held: false },
      ]);
      const before = await issuanceOf(card);
      expect({ state: before.state, printed: before.printed }).toEqual({ state: 'delivered', printed: 1 });
      // A center process started again on the same database, behind the kiosk's configured address.
      const replica = await center.startReplica(center.database);
      try {
        relay.to(Number(new URL(replica.baseUrl).port));
        const after = await until(
          'the second copy reported printed',
          async () => {
            const now = await issuanceOf(card);
            return now.state === 'printed' ? now : undefined;
          },
          45_000,
        );
        expect({ printed: after.printed, refunds: after.refunds }).toEqual({ printed: 2, refunds: 0 });
        // The center commits before its answer reaches the kiosk: the kiosk's own word comes a moment later.
        await until(
          'the kiosk to hear the center took it',
          () => (kiosk.logged('outbox retried').some((l) => l.waiting === 0) ? true : undefined),
          45_000,
        );
      } finally {
        await kiosk.stop();
        relay.to(undefined);
        await replica.close();
      }
    } finally {
      await relay.close();
    }
    expect(readdirSync(killed.config.trayDir)).toHaveLength(2);
    // Two copies on paper: the box keeps both fees, the change went out.
    expect(keptYen(killed.config.stateDir)).toBe((await issuanceOf(card)).paid_yen);
    expectJournalSettled(killed.config.stateDir);
  }, 60_000);
});

/** What stayed in the box by the cash unit's own counters: every coin in minus every coin out. */
function keptYen(stateDir: string): number {
  const unit = readCashUnitCounters(stateDir)!;
  return unit.insertedYen - [...unit.payouts.values()].reduce((s, p) => s + p.dispensedYen, 0);
}
