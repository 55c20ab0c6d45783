/**
 * Composes the kiosk's main process from its parts. The Electron shell and the browser kiosk
 * host both call this; neither contains logic of its own.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCardService } from './card/card-service.js';
import { createVirtualReader } from './card/virtual-reader.js';
import { createCenterClient } from './center/center-client.js';
import type { SessionLog } from './session/ports.js';
import { KioskSession } from './session/kiosk-session.js';
import { CupsPrinter } from './printer/cups-printer.js';
import type { Printer } from './printer/printer.js';
import { SpoolPrinter } from './printer/spool-printer.js';
import { SimulatedCashDevice, type CashDevice } from './payment/cash-device.js';
import type { CardTransport } from './card/transport.js';

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
}

export interface KioskMain {
  session: KioskSession;
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
  // The demo's coin slot is the demo panel; on a real kiosk money comes from its acceptor's driver only.
  const demoCash = demoMode ? new SimulatedCashDevice() : undefined;
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

  let transport: CardTransport;
  let demo;
  if (config.reader.kind === 'demo') {
    const reader = createVirtualReader();
    transport = reader.transport;
    // Loaded only here: the demo reader is the one user of the test-only card simulator, which the
    // production bundle leaves out (apps/kiosk/build-electron.mjs).
    const { createDemoCards } = await import('./demo/demo-cards.js');
    demo = createDemoCards(config.reader.cardsStateDir, reader);
  } else {
    const { createPcscTransport } = await import('./card/pcsc-transport.js');
    // The configured name is matched literally (a reader name has regex metacharacters such as parentheses).
    const name = config.reader.readerName;
    transport = createPcscTransport(name ? { readerName: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) } : {});
  }
  const card = createCardService({ transport, log: (event, fields) => log(event, scrub(fields)) });

  // The key that signs document bindings: pinned from a file when configured, otherwise fetched once
  // over the mutually authenticated channel.
  let bindingKey: KeyObject | undefined = config.center.publicKeyFile
    ? createPublicKey(readFileSync(config.center.publicKeyFile, 'utf8'))
    : undefined;
  const centerPublicKey = async () => {
    bindingKey ??= createPublicKey((await center.bindingKey()).publicKeyPem);
    return bindingKey;
  };

  const session = new KioskSession({
    card,
    center,
    printer,
    centerPublicKey,
    ...(cash ? { cash } : {}),
    ...(demo ? { demo } : {}),
    ...(demoCash ? { demoCash } : {}),
    log,
    ...(config.idleTimeoutMs ? { idleTimeoutMs: config.idleTimeoutMs } : {}),
  });
  return {
    session,
    async close() {
      session.close();
      await card.close();
      await transport.close();
      center.close();
    },
  };
}

function scrub(fields: Record<string, unknown> | undefined): Record<string, string | number | boolean | undefined> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
