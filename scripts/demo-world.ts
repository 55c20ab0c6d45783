/**
 * Prepares the demo's world in one state directory: virtual My Number cards and the test PKI,
 * the panel's card labels, the center's keys and demo data, months of past issuances at other
 * stores' kiosks (demo-history.ts, the first time only), one enrolled kiosk and its config, and the
 * staff console's demo accounts (demo-staff.ts).
 * Idempotent: a second start finds everything in place and takes seconds. Starting processes is
 * supervisor.ts's job; system.ts composes the two.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDemoCards, demoPkiDir, type DemoCard } from '@madoguchi/card-sim';
import { featuredLabelsOf, generateDemoData, type DemoData } from '@madoguchi/shared/demo-data';
import {
  ensureCenterState,
  openDatabase,
  migrate,
  ensureKioskCa,
  createKioskKeyAndCsr,
  createStoreChain,
  enrollKiosk,
  listKiosks,
  listStoreChains,
} from '@madoguchi/center';
import { createMunicipalStore } from '@madoguchi/center/residents';
import { putHolidays, putPolicy } from '@madoguchi/center/policy';
import { ensureDemoHistory, type DemoHistoryOptions } from './demo-history.js';
import { ensureDemoStaff, type DemoStaffAccount } from './demo-staff.js';

const TERMINAL_ID = 'KIOSK-0001';
/** The demo store's own chain (fictional, like the history's): billing, the fleet and the log group its kiosk under it. */
const DEMO_CHAIN = { chainCode: 'madoguchi-mart', name: 'マドグチマート' };

export interface PreparedDemo {
  demo: DemoData;
  cards: DemoCard[];
  /** The virtual cards' state (PIN counters, keys); the kiosk's demo reader opens it. */
  cardsStateDir: string;
  kioskConfigPath: string;
  kioskFiles: { certFile: string; keyFile: string; caFile: string };
  centerEnv: Record<string, string>;
  spoolDir: string;
  printedDir: string;
  /** The staff console's demo accounts, with their passwords and TOTP secrets. */
  staff: DemoStaffAccount[];
}

export interface PrepareOptions {
  /** A PostgreSQL database for the center (postgres://…); absent: the state directory's SQLite file. */
  databaseUrl?: string;
  /**
   * The months of history before the demo's first day (demo-history.ts); tests ask for a shorter
   * one, and `false` leaves it out (about 30 s of CPU) where only the kiosk is walked.
   */
  history?: DemoHistoryOptions | false;
}

export async function prepareDemo(
  stateDir: string,
  log: (line: string) => void = () => {},
  options: PrepareOptions = {},
): Promise<PreparedDemo> {
  mkdirSync(stateDir, { recursive: true });
  const demo = generateDemoData();
  const cardsStateDir = join(stateDir, 'cards');
  const started = Date.now();
  const holders = demoCardHolders(demo);
  const cards = await ensureDemoCards(
    cardsStateDir,
    holders.map((r) => ({ residentId: r.residentId, birthDate: r.birthDate })),
    {
      edgeResidents: {
        expired: demo.featured.chiyodaResident,
        revoked: demo.featured.okutamaResident,
        locked: demo.featured.foreignResident,
        android: demo.featured.ordinary,
        iphone: demo.featured.chiyodaResident,
        unknownCa: demo.featured.ordinary,
      },
    },
  );
  log(`virtual cards ready: ${cards.length} (${Date.now() - started} ms)`);
  // The kiosk's demo panel reads cards/labels.json if present.
  writeFileSync(join(cardsStateDir, 'labels.json'), JSON.stringify(demoPanelLabels(cards, demo), null, 2));

  const center = ensureCenterState(join(stateDir, 'center'));
  const database = await openDatabase(
    options.databaseUrl ? { kind: 'postgres', connectionString: options.databaseUrl } : { kind: 'sqlite', path: center.sqlitePath },
  );
  try {
    await migrate(database);
    const cardLinks = cards.map((c) => ({
      residentId: c.residentId,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      usableFrom: nextDay(c.issuedOn),
    }));
    const dataHash = createHash('sha256')
      // The database is part of what was imported into: another database is imported again.
      .update(JSON.stringify({ batch: demo.batch, policies: demo.policies, cardLinks, database: options.databaseUrl ?? 'sqlite' }))
      .digest('hex');
    const marker = join(stateDir, 'center', 'demo-data.sha256');
    if (!existsSync(marker) || readFileSync(marker, 'utf8') !== dataHash) {
      await createMunicipalStore(database).importBatch({ ...demo.batch, cardLinks });
      for (const policy of demo.policies) await putPolicy(database, policy);
      await putHolidays(database, demo.holidays);
      writeFileSync(marker, dataHash);
      log(`demo data imported: ${demo.batch.residents.length} residents in ${demo.batch.municipalities.length} municipalities`);
    }
    // Before the demo's own kiosk and accounts, so the history's rows come first in the chain, as in time.
    if (options.history !== false) await ensureDemoHistory(database, center, demo, { log, ...options.history });

    const kioskDir = join(stateDir, 'kiosk');
    mkdirSync(kioskDir, { recursive: true });
    const certFile = join(kioskDir, 'kiosk-cert.pem');
    const enrolled = (await listKiosks(database)).some((k) => k.terminalId === TERMINAL_ID && !k.revokedAt);
    if (!enrolled || !existsSync(certFile)) {
      if (!(await listStoreChains(database.db)).some((c) => c.chainCode === DEMO_CHAIN.chainCode))
        await createStoreChain(database, DEMO_CHAIN, new Date());
      const { csrPem } = createKioskKeyAndCsr(kioskDir, TERMINAL_ID);
      const enrollment = await enrollKiosk(database, ensureKioskCa(center.kioskCaDir), {
        terminalId: TERMINAL_ID,
        printerId: 'P01',
        storeCode: 'S0001',
        storeName: 'デモ店（マドグチ中央店）',
        chainCode: DEMO_CHAIN.chainCode,
        csrPem,
      });
      writeFileSync(certFile, enrollment.certificatePem);
      log(`kiosk ${TERMINAL_ID} enrolled`);
    }
    const staff = await ensureDemoStaff(database, demo, center.dir, log);
    const pki = demoPkiDir(cardsStateDir);
    return {
      demo,
      cards,
      cardsStateDir,
      spoolDir: join(kioskDir, 'spool'),
      printedDir: join(stateDir, 'printed'),
      kioskConfigPath: join(kioskDir, 'kiosk.json'),
      kioskFiles: { certFile, keyFile: join(kioskDir, `${TERMINAL_ID}.key.pem`), caFile: center.kioskCaCertPath },
      staff,
      centerEnv: {
        ...(options.databaseUrl ? { MADOGUCHI_DATABASE_URL: options.databaseUrl } : {}),
        MADOGUCHI_CENTER_STATE: center.dir,
        MADOGUCHI_CARD_TRUST_ANCHORS: join(pki, 'trusted-cas.pem'),
        MADOGUCHI_CARD_CRLS: join(pki, 'crls.pem'),
      },
    };
  } finally {
    await database.close();
  }
}

/** Points the kiosk at a center: written on every start, because the center's port may change. */
export function writeKioskConfig(prepared: PreparedDemo, centerUrl: string, idleTimeoutMs?: number): void {
  const config = {
    center: { baseUrl: centerUrl, ...prepared.kioskFiles },
    spoolDir: prepared.spoolDir,
    demoOutputTray: prepared.printedDir,
    reader: { kind: 'demo', cardsStateDir: prepared.cardsStateDir },
    // The journal of money and print steps (0700, made by the kiosk), kept across restarts like the demo's center state.
    stateDir: join(dirname(prepared.kioskConfigPath), 'state'),
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
  };
  writeFileSync(prepared.kioskConfigPath, JSON.stringify(config, null, 2));
}

/**
 * What each card demonstrates, by card id: an edge card keeps its own label (expired, revoked…);
 * a featured resident's card says which cases it shows; any other card keeps card-sim's label.
 */
export function demoPanelLabels(cards: readonly DemoCard[], demo: Pick<DemoData, 'featured'>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const card of cards) {
    const shows = featuredLabelsOf(demo.featured, card.residentId);
    labels[card.cardId] = card.edge ? card.label : shows.length > 0 ? `${card.residentId} · ${shows.join(' / ')}` : card.label;
  }
  return labels;
}

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

function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
