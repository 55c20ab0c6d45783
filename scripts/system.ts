/**
 * Brings up the whole system on embedded defaults, as separate processes like a real deployment:
 * an issuance center (HTTPS + mutual TLS, SQLite file) and one kiosk (browser kiosk mode with an
 * in-process virtual card reader and the demo's virtual My Number cards).
 * Used by `scripts/start.sh` and by the end-to-end tests. Everything it prepares is idempotent and
 * kept under one state directory (default .var/demo), so a second start takes seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDemoCards, demoPkiDir, type DemoCard } from '../packages/card-sim/src/index.js';
import { generateDemoData, type DemoData, type FeaturedCase } from '../packages/shared/src/demo-data/index.js';
import { ensureCenterState } from '../apps/center/src/config.js';
import { openDatabase } from '../apps/center/src/db/database.js';
import { migrate } from '../apps/center/src/db/migrate.js';
import { ensureKioskCa, createKioskKeyAndCsr } from '../apps/center/src/kiosks/kiosk-ca.js';
import { enrollKiosk, listKiosks } from '../apps/center/src/kiosks/registry.js';
import { createMunicipalStore } from '../apps/center/src/residents/index.js';
import { putHolidays, putPolicy } from '../apps/center/src/policy/policy-store.js';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface DemoSystem {
  kioskUrl: string;
  centerUrl: string;
  /** The kiosk's spool: 0700, emptied as soon as each print's result is known. */
  spoolDir: string;
  /** The demo printer's output tray: the copies a real printer would hand over on paper. */
  printedDir: string;
  stateDir: string;
  demo: DemoData;
  cards: DemoCard[];
  stop(): Promise<void>;
}

export interface StartOptions {
  stateDir?: string;
  centerPort?: number;
  kioskPort?: number;
  /** Open Chromium in kiosk mode when a display is available. */
  openBrowser?: boolean;
  /** Extra environment for the center process (tests shorten timeouts, for instance). */
  centerEnv?: Record<string, string>;
  log?: (line: string) => void;
  /** Use the real clock instead of the demo clock (next weekday, 10:00 Japan time). */
  realClock?: boolean;
  /** Run the kiosk in Electron (needs its binary) instead of the browser kiosk host. */
  electronBinary?: string;
}

const TERMINAL_ID = 'KIOSK-0001';

/** Prepares the state directory: demo cards, center keys and data, one enrolled kiosk. */
export interface PreparedDemo {
  demo: DemoData;
  cards: DemoCard[];
  kioskConfigPath: string;
  kioskFiles: { certFile: string; keyFile: string; caFile: string };
  centerEnv: Record<string, string>;
  spoolDir: string;
  printedDir: string;
}

export async function prepareDemo(stateDir: string, log: (line: string) => void = () => {}): Promise<PreparedDemo> {
  mkdirSync(stateDir, { recursive: true });
  const demo = generateDemoData();
  const cardsDir = join(stateDir, 'cards');
  const started = Date.now();
  const holders = demoCardHolders(demo);
  const cards = await ensureDemoCards(cardsDir, holders.map((r) => ({ residentId: r.residentId, birthDate: r.birthDate })), {
    edgeResidents: { expired: demo.featured.chiyodaResident, revoked: demo.featured.okutamaResident, locked: demo.featured.foreignResident, android: demo.featured.ordinary, iphone: demo.featured.chiyodaResident, unknownCa: demo.featured.ordinary },
  });
  log(`virtual cards ready: ${cards.length} (${Date.now() - started} ms)`);
  // What each card demonstrates, for the demo panel (the kiosk reads cards/labels.json if present).
  const labels: Record<string, string> = {};
  for (const card of cards) {
    const shows = Object.entries(demo.featured).filter(([, id]) => id === card.residentId).map(([c]) => caseLabels[c as FeaturedCase]);
    labels[card.cardId] = card.edge ? `${card.label}` : shows.length > 0 ? `${card.residentId} · ${shows.join(' / ')}` : card.label;
  }
  writeFileSync(join(cardsDir, 'labels.json'), JSON.stringify(labels, null, 2));

  const center = ensureCenterState(join(stateDir, 'center'));
  const database = await openDatabase({ kind: 'sqlite', path: center.sqlitePath });
  try {
    await migrate(database);
    const cardLinks = cards.map((c) => ({ residentId: c.residentId, issuer: c.issuer, serialNumber: c.serialNumber, usableFrom: nextDay(c.issuedOn) }));
    const dataHash = createHash('sha256').update(JSON.stringify({ batch: demo.batch, policies: demo.policies, cardLinks })).digest('hex');
    const marker = join(stateDir, 'center', 'demo-data.sha256');
    if (!existsSync(marker) || readFileSync(marker, 'utf8') !== dataHash) {
      await createMunicipalStore(database).importBatch({ ...demo.batch, cardLinks });
      for (const policy of demo.policies) await putPolicy(database, policy);
      await putHolidays(database, demo.holidays);
      writeFileSync(marker, dataHash);
      log(`demo data imported: ${demo.batch.residents.length} residents in ${demo.batch.municipalities.length} municipalities`);
    }

    const kioskDir = join(stateDir, 'kiosk');
    mkdirSync(kioskDir, { recursive: true });
    const certFile = join(kioskDir, 'kiosk-cert.pem');
    const enrolled = (await listKiosks(database)).some((k) => k.terminalId === TERMINAL_ID && !k.revokedAt);
    if (!enrolled || !existsSync(certFile)) {
      const { csrPem } = createKioskKeyAndCsr(kioskDir, TERMINAL_ID);
      const enrollment = await enrollKiosk(database, ensureKioskCa(center.kioskCaDir), { terminalId: TERMINAL_ID, printerId: 'P01', storeCode: 'S0001', storeName: 'デモ店（マドグチ中央店）', csrPem });
      writeFileSync(certFile, enrollment.certificatePem);
      log(`kiosk ${TERMINAL_ID} enrolled`);
    }
    const spoolDir = join(kioskDir, 'spool');
    const kioskConfigPath = join(kioskDir, 'kiosk.json');
    const pki = demoPkiDir(cardsDir);
    return {
      demo,
      cards,
      spoolDir,
      printedDir: join(stateDir, 'printed'),
      kioskConfigPath,
      kioskFiles: { certFile, keyFile: join(kioskDir, `${TERMINAL_ID}.key.pem`), caFile: center.kioskCaCertPath },
      centerEnv: {
        MADOGUCHI_CENTER_STATE: center.dir,
        MADOGUCHI_CARD_TRUST_ANCHORS: join(pki, 'trusted-cas.pem'),
        MADOGUCHI_CARD_CRLS: join(pki, 'crls.pem'),
      },
    };
  } finally {
    await database.close();
  }
}

export async function startDemoSystem(options: StartOptions = {}): Promise<DemoSystem> {
  const log = options.log ?? (() => {});
  const stateDir = resolve(options.stateDir ?? join(repoRoot, '.var', 'demo'));
  const prepared = await prepareDemo(stateDir, log);
  const centerPort = options.centerPort ?? (await freePort());
  const centerUrl = `https://127.0.0.1:${centerPort}`;
  writeFileSync(
    prepared.kioskConfigPath,
    JSON.stringify(
      {
        center: { baseUrl: centerUrl, ...prepared.kioskFiles },
        spoolDir: prepared.spoolDir,
        demoOutputTray: prepared.printedDir,
        reader: { kind: 'demo', cardsStateDir: join(stateDir, 'cards') },
      },
      null,
      2,
    ),
  );

  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((c) => stopChild(c)));
  };
  try {
    const clock: Record<string, string> = options.realClock ? {} : { MADOGUCHI_CLOCK: demoClockStart(new Date(), prepared.demo.holidays.map((h) => h.date)) };
    const center = spawnTs(join(repoRoot, 'apps/center/src/server.ts'), [], { ...prepared.centerEnv, ...clock, MADOGUCHI_CENTER_PORT: String(centerPort), MADOGUCHI_LOG_LEVEL: 'warn', ...options.centerEnv }, log, 'center');
    children.push(center);
    await waitForPort(centerPort, 60_000, center);
    log(`center listening on ${centerUrl}`);
    if (options.electronBinary) {
      const kiosk = spawn(options.electronBinary, [join(repoRoot, 'apps/kiosk/out/electron/main.cjs'), '--config', prepared.kioskConfigPath], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
      createInterface({ input: kiosk.stderr! }).on('line', (line) => log(`[kiosk] ${line}`));
      children.push(kiosk);
      return { kioskUrl: 'app://kiosk/index.html (Electron window)', centerUrl, spoolDir: prepared.spoolDir, printedDir: prepared.printedDir, stateDir, demo: prepared.demo, cards: prepared.cards, stop };
    }
    const kiosk = spawnTs(join(repoRoot, 'apps/kiosk/src/browser-host/start.ts'), ['--config', prepared.kioskConfigPath, ...(options.kioskPort ? ['--port', String(options.kioskPort)] : []), ...(options.openBrowser ? [] : ['--no-browser'])], {}, log, 'kiosk');
    children.push(kiosk);
    const kioskUrl = await waitForLine(kiosk, /^KIOSK_URL=(.+)$/, 60_000);
    return { kioskUrl, centerUrl, spoolDir: prepared.spoolDir, printedDir: prepared.printedDir, stateDir, demo: prepared.demo, cards: prepared.cards, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function spawnTs(file: string, args: string[], env: Record<string, string>, log: (line: string) => void, name: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr! }).on('line', (line) => log(`[${name}] ${line}`));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`process exited (${code}) before printing ${pattern}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`center exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`center did not listen on ${port} within ${timeoutMs} ms`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** What each featured resident shows at the kiosk (demo panel labels; no personal data). */
const caseLabels: Record<FeaturedCase, string> = {
  ordinary: '4人世帯の世帯主 household head (all certificates)',
  formerSurname: '旧氏あり・印鑑登録廃止 former surname, cancelled seal',
  under15: '15歳未満 under 15',
  foreignResident: '外国人住民 foreign resident',
  protectionMeasure: '支援措置 protection measure',
  pendingMoveOut: '転出予定 pending move-out',
  householdOfPendingMoveOut: '転出予定者のいる世帯 household of a pending move-out',
  deceased: '死亡 deceased',
  householdOfDeceased: '死亡者のいた世帯 household of a deceased person',
  movedOut: '転出済 moved out',
  provisional: '仮登録 provisional record',
  longNameAndAddress: '長い氏名・住所 very long name and address',
  ivsName: 'IVS異体字の氏名 name with an IVS variant',
  outsideJisName: 'JIS第1・2水準外の氏名 name outside JIS X 0208',
  domicileInOtherServedMunicipality: '本籍地が千代田区 domicile in 千代田区',
  domicileNotServed: '本籍地が対象外 domicile not served',
  notRegisteredOnJanuaryFirst: '1月1日に未登録 not registered on 1 January',
  multiPageFamilyRegister: '複数ページの戸籍 multi-page family register',
  issuanceBlocked: '発行抑止 issuance block (seal)',
  nonTaxable: '非課税 non-taxable',
  chiyodaResident: '千代田区の住民 千代田区 resident',
  okutamaResident: '奥多摩町の住民 奥多摩町 resident',
};

/**
 * The residents who get a card in the demo: every featured case, the whole household of the
 * ordinary resident, and a few others per municipality — enough to try every path without a
 * 270-card panel (the test PKI CLI's demo-cards command makes one for every resident).
 */
export function demoCardHolders(demo: DemoData) {
  const { residents } = demo.batch;
  const ids = new Set<string>(Object.values(demo.featured));
  const ordinary = residents.find((r) => r.residentId === demo.featured.ordinary)!;
  for (const r of residents) if (r.householdId === ordinary.householdId) ids.add(r.residentId);
  for (const code of demo.batch.municipalities.map((m) => m.code)) {
    for (const r of residents.filter((x) => x.municipalityCode === code && x.status === 'active').slice(0, 6)) ids.add(r.residentId);
  }
  return residents.filter((r) => ids.has(r.residentId));
}

/**
 * The demo runs on the next working day at 10:00 Japan time (after today), so every certificate,
 * 戸籍 included (weekday office hours in 千代田区), can be issued whenever the demo is started.
 */
export function demoClockStart(now: Date, holidays: string[]): string {
  const day = new Date(now.getTime() + 9 * 3600_000);
  for (;;) {
    day.setUTCDate(day.getUTCDate() + 1);
    const iso = day.toISOString().slice(0, 10);
    const md = iso.slice(5);
    const closed = md >= '12-29' || md <= '01-03';
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6 && !holidays.includes(iso) && !closed) return `${iso}T10:00:00+09:00`;
  }
}

function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
