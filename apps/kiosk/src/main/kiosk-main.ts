/**
 * Composes the kiosk's main process from its parts. The Electron shell and the browser kiosk
 * host both call this; neither contains logic of its own.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCardService } from './card/card-service.js';
import { createVirtualReader } from './card/virtual-reader.js';
import { createCenterClient, type CenterClient } from './center/center-client.js';
import type { Heartbeat } from './heartbeat/heartbeat-service.js';
import { startKioskHeartbeat } from './heartbeat/kiosk-heartbeat.js';
import type { SessionLog } from './session/ports.js';
import { KioskSession } from './session/kiosk-session.js';
import { CupsPrinter } from './printer/cups-printer.js';
import type { Printer } from './printer/printer.js';
import { SpoolPrinter } from './printer/spool-printer.js';
import { SimulatedCashDevice, type CashDevice } from './payment/cash-device.js';
import type { CardTransport } from './card/transport.js';
import type { DemoCardPort } from './session/ports.js';
import { crashPointFromEnv } from './journal/crash-point.js';
import { openKioskJournal, type KioskJournal } from './journal/journal-service.js';
import { ScreenHolds, standInHeldTransaction } from './session/screen-holds.js';
import { warmUpKiosk } from './warm-up.js';

export { warmUpKiosk, type WarmUpPorts } from './warm-up.js';

export interface KioskConfig {
  center: {
    /** The one center, or `baseUrls`: every center sharing one database, primary first (failover: center/center-failover.ts). */
    baseUrl?: string;
    baseUrls?: string[];
    certFile: string;
    keyFile: string;
    caFile: string;
    publicKeyFile?: string;
  };
  spoolDir: string;
  /** Demo mode only: where the demo printer puts the copy a real printer would hand over on paper. */
  demoOutputTray?: string;
  /** A store's printer: a CUPS queue over IPP (printer/cups-printer.ts). Without it, the spool folder (the demo's printer). */
  printer?: { kind: 'cups'; printerUri: string; jobDeadlineMs?: number };
  reader: { kind: 'pcsc'; readerName?: string } | { kind: 'demo'; cardsStateDir: string };
  idleTimeoutMs?: number;
  /**
   * The kiosk's own state directory (0700): the journal of money and print steps (journal/), read
   * at start to settle what a crash left unfinished. Without it there is no journal: a crash would
   * leave escrow unreturned and print results unsent.
   */
  stateDir?: string;
  /** How long after a crash a paid, unprinted transaction waits for the card that paid (default 5 min, journal/crash-recovery.ts). */
  awaitResidentMs?: number;
  /** How often print results the center has not taken yet are sent again (default 30 s). */
  printResultRetryMs?: number;
  /** How often the kiosk tells the center its state (heartbeat/; default every minute). */
  heartbeatIntervalMs?: number;
  /** Tests only, demo mode only: passing screens can be held still for checking (session/screen-holds.ts). */
  testScreenHolds?: boolean;
}

export interface KioskMain {
  session: KioskSession;
  /** The heartbeat to the center (heartbeat/), started with the kiosk. */
  heartbeat: Heartbeat;
  /** Present only with `testScreenHolds`. */
  screenHolds?: ScreenHolds;
  /** The warm-up before the first resident (warm-up.ts), started with the kiosk; it never fails. */
  warmedUp: Promise<unknown>;
  close(): Promise<void>;
}

/** The store's hardware drivers, plugged in by the shell that runs a real kiosk. */
export interface KioskDevices {
  cash?: CashDevice;
}

export async function createKioskMain(config: KioskConfig, log: SessionLog, devices: KioskDevices = {}): Promise<KioskMain> {
  const demoMode = config.reader.kind === 'demo';
  if (config.demoOutputTray && !demoMode)
    throw new Error('demoOutputTray is for demo mode only: a real kiosk keeps no copy of a certificate');
  // A store kiosk takes money: without its journal a crash would leave escrow unreturned and results unsent.
  if (!demoMode && !config.stateDir)
    throw new Error('stateDir is required outside demo mode: the kiosk journals every money and print step there (journal/)');
  if (config.testScreenHolds && !demoMode) throw new Error('testScreenHolds is for demo mode only: it lets a page stop the session');
  // The demo's coin slot is the demo panel; on a real kiosk money comes from its acceptor's driver only.
  // With a stateDir its payout log is on disk, so a restart can ask it what it paid (payment/cash-device.ts).
  const demoCash = demoMode
    ? new SimulatedCashDevice(config.stateDir ? { stateDir: config.stateDir, crashPoint: crashPointFromEnv() } : {})
    : undefined;
  const cash = devices.cash ?? demoCash;
  if (!cash) log('no cash device: this kiosk cannot take payments');

  // Whatever a crash left in the spool (a resident's certificate) goes before the first customer.
  const spool = new SpoolPrinter(config.spoolDir, config.demoOutputTray ? { demoOutputTray: config.demoOutputTray } : {});
  const swept = await spool.sweepLeftovers();
  if (swept > 0) log('spool leftovers removed', { files: swept });
  const printer: Printer = config.printer?.kind === 'cups' ? new CupsPrinter(config.printer) : spool;

  const center = createCenterClient({
    baseUrl: config.center.baseUrl,
    baseUrls: config.center.baseUrls,
    log,
    cert: readFileSync(config.center.certFile, 'utf8'),
    key: readFileSync(config.center.keyFile, 'utf8'),
    ca: readFileSync(config.center.caFile, 'utf8'),
  });

  const { transport, demo } = await openReader(config.reader);
  const card = createCardService({ transport, log: (event, fields) => log(event, scrub(fields)) });

  const centerPublicKey = bindingKeySource(config.center.publicKeyFile, center);

  let journal: KioskJournal | undefined;
  if (config.stateDir)
    journal = await openKioskJournal({
      stateDir: config.stateDir,
      center,
      cash,
      log,
      ...(config.printResultRetryMs ? { retryMs: config.printResultRetryMs } : {}),
      ...(config.awaitResidentMs !== undefined ? { awaitResidentMs: config.awaitResidentMs } : {}),
    });
  else log('no stateDir: this kiosk keeps no journal of money and print steps');

  // Holding awaitingResident shows it with a stand-in that holds no money (session/screen-holds.ts).
  const screenHolds = config.testScreenHolds
    ? new ScreenHolds((held) => {
        if (held === 'awaitingResident') void session.awaitResident(standInHeldTransaction());
      })
    : undefined;
  const session = new KioskSession(
    {
      card,
      center,
      printer,
      centerPublicKey,
      ...(cash ? { cash } : {}),
      ...(demo ? { demo } : {}),
      ...(demoCash ? { demoCash } : {}),
      log,
      ...(config.idleTimeoutMs ? { idleTimeoutMs: config.idleTimeoutMs } : {}),
    },
    { ...(journal ? { journal: journal.journal } : {}), ...(screenHolds ? { holdScreen: screenHolds.shown } : {}) },
  );
  // What recovery held for its resident is on the start screen before anyone else can begin.
  if (journal?.held) await session.awaitResident(journal.held);
  const heartbeat = startKioskHeartbeat({ center, printer, card, cash, session, log, intervalMs: config.heartbeatIntervalMs });
  // Not awaited: the kiosk serves at once, and a resident who comes in the first second is only slower.
  const warmedUp = warmUpKiosk({ centerPublicKey, printer, log });
  return {
    session,
    heartbeat,
    ...(screenHolds ? { screenHolds } : {}),
    warmedUp,
    async close() {
      session.close();
      await heartbeat.stop();
      await card.close();
      await transport.close();
      journal?.close();
      demoCash?.close();
      center.close();
    },
  };
}

/**
 * The key that signs document bindings: pinned from a file when configured, otherwise fetched once
 * over the mutually authenticated channel.
 */
function bindingKeySource(publicKeyFile: string | undefined, center: Pick<CenterClient, 'bindingKey'>): () => Promise<KeyObject> {
  let bindingKey: KeyObject | undefined = publicKeyFile ? createPublicKey(readFileSync(publicKeyFile, 'utf8')) : undefined;
  return async () => {
    bindingKey ??= createPublicKey((await center.bindingKey()).publicKeyPem);
    return bindingKey;
  };
}

async function openReader(reader: KioskConfig['reader']): Promise<{ transport: CardTransport; demo?: DemoCardPort }> {
  if (reader.kind === 'demo') {
    const virtualReader = createVirtualReader();
    // Loaded only here: the demo reader is the one user of the test-only card simulator, which the
    // production bundle leaves out (apps/kiosk/build-electron.mjs).
    const { createDemoCards } = await import('./demo/demo-cards.js');
    return { transport: virtualReader.transport, demo: createDemoCards(reader.cardsStateDir, virtualReader) };
  }
  const { createPcscTransport } = await import('./card/pcsc-transport.js');
  // The configured name is matched literally (a reader name has regex metacharacters such as parentheses).
  const name = reader.readerName;
  return { transport: createPcscTransport(name ? { readerName: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) } : {}) };
}

function scrub(fields: Record<string, unknown> | undefined): Record<string, string | number | boolean | undefined> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
