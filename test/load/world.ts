/**
 * The world of a load run, written the way the demo writes its own (scripts/demo-world.ts): the
 * scaled demo generator's municipal data, policies and holidays through the center's import, the
 * test PKI (NOT J-LIS) from @madoguchi/card-sim, a card certificate for each resident the run will
 * use, and one enrolled kiosk (its own key and client certificate) per simulated kiosk.
 *
 * Cards share a small pool of RSA key pairs (card-sim's key pool): generating 2048-bit keys costs
 * ~80 ms of CPU each. That does not weaken the document check: the center maps the certificate
 * (issuer, serial) to its resident, never the key, and the independent check compares each document
 * with the generator's record of the resident whose certificate the kiosk's card presented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestPki, defaultKeyPoolDir, issueCardCertificate, pooledKey, type KeyPair, type TestPki } from '@madoguchi/card-sim';
import { generateDemoData, type DemoData } from '@madoguchi/shared/demo-data';
import type { Resident } from '@madoguchi/shared';
import { ensureCenterState, ensureKioskCa, migrate, openDatabase, type CenterState } from '@madoguchi/center';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { createMunicipalStore } from '@madoguchi/center/residents';
import { putHolidays, putPolicy } from '@madoguchi/center/policy';
import { enrolKiosks, newKioskKeyPem } from './enrol-kiosks.js';

/** The centers' clock: Tuesday 2026-11-24 12:00 in Japan (inside every offering's hours), as the center tests use. */
export const LOAD_CLOCK = '2026-11-24T03:00:00Z';
/** Every virtual card's user-authentication PIN. */
export const LOAD_PIN = '1234';
const KEY_POOL_SIZE = 16;
/**
 * Enrolment processes at once: one a core for a fleet, none (here, one after another) for a few kiosks,
 * where the workers' own start-up costs more than they save (docs/load.md#kiosk-enrolment).
 */
const enrolWorkersFor = (kiosks: number) => (kiosks >= 100 ? 2 : 0);

export interface WorldOptions {
  dir: string;
  database: DatabaseConfig;
  municipalities: number;
  residents: number;
  kiosks: number;
  /** How many residents get a card. */
  cardholders: number;
  seed: number;
  /** Kiosk enrolment processes at once (enrol-kiosks.ts; 0: in this process); by the fleet's size when unset. */
  enrolWorkers?: number;
  log: (line: string) => void;
}

export interface LoadCard {
  residentId: string;
  certificateDerBase64: string;
  privateKeyPem: string;
}

export interface LoadKiosk {
  terminalId: string;
  certPem: string;
  keyPem: string;
}

export interface World {
  demo: DemoData;
  state: CenterState;
  pki: TestPki;
  caPem: string;
  cards: LoadCard[];
  kiosks: LoadKiosk[];
  /** What a center process needs besides its listen address. */
  centerEnv: Record<string, string>;
  timings: Record<string, number>;
}

export async function prepareWorld(options: WorldOptions): Promise<World> {
  const { log } = options;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, step: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const result = await step();
    timings[name] = Math.round(performance.now() - started);
    log(`  ${name}: ${timings[name]} ms`);
    return result;
  };
  const demo = await timed('generate', () =>
    generateDemoData(options.seed, { municipalities: options.municipalities, residents: options.residents }),
  );
  const state = ensureCenterState(join(options.dir, 'center'));
  const pki = await createTestPki(join(options.dir, 'pki'));
  const database = await openDatabase(options.database);
  try {
    await migrate(database);
    const store = createMunicipalStore(database);
    await timed('import', () => store.importBatch(demo.batch));
    await timed('policies', async () => {
      for (const policy of demo.policies) await putPolicy(database, policy);
      await putHolidays(database, demo.holidays);
    });
    const holders = chooseCardholders(demo, options.cardholders, options.seed);
    const cards = await timed('cards', () => issueCards(pki, holders));
    await timed('card links', () =>
      store.importBatch({
        cardLinks: cards.map((c) => ({
          residentId: c.residentId,
          issuer: pki.issuer,
          serialNumber: c.serialNumber,
          usableFrom: '2026-01-06',
        })),
      }),
    );
    // The CA exists before the enrolment workers load it (each would otherwise race to make one).
    ensureKioskCa(state.kioskCaDir);
    const kiosks = await timed('kiosks', async () => {
      // One key for every kiosk, each with its own certificate (the center knows a kiosk by its
      // certificate's fingerprint): openssl's key generation was a third of ~1.5 s per kiosk under load.
      const keyPem = newKioskKeyPem();
      const toEnrol = Array.from({ length: options.kiosks }, (_, k) => ({
        terminalId: `LOAD-${String(k + 1).padStart(4, '0')}`,
        storeCode: `S${String(k + 1).padStart(4, '0')}`,
        storeName: `負荷試験店 ${k + 1}`,
      }));
      const certificates = await enrolKiosks(
        { database: options.database, kioskCaDir: state.kioskCaDir, keyPem, kiosks: toEnrol },
        options.enrolWorkers ?? enrolWorkersFor(options.kiosks),
      );
      return toEnrol.map(({ terminalId }, k): LoadKiosk => ({ terminalId, certPem: certificates[k]!, keyPem }));
    });
    return {
      demo,
      state,
      pki,
      caPem: readFileSync(state.kioskCaCertPath, 'utf8'),
      cards: cards.map(({ serialNumber: _serial, ...card }) => card),
      kiosks,
      centerEnv: {
        MADOGUCHI_CENTER_STATE: state.dir,
        MADOGUCHI_DATABASE_URL: options.database.kind === 'postgres' ? options.database.connectionString : options.database.path,
        MADOGUCHI_CARD_TRUST_ANCHORS: pki.paths.trustedCasPem,
        MADOGUCHI_CARD_CRLS: pki.paths.crlsPem,
        MADOGUCHI_CLOCK: LOAD_CLOCK,
        MADOGUCHI_LOG_LEVEL: 'warn',
      },
      timings,
    };
  } finally {
    await database.close();
  }
}

/**
 * Mostly residents who may be served, spread over every municipality, and one in twenty of the
 * others (moved out, deceased, 仮登録, under 15 …), whom the center must refuse before any money.
 */
function chooseCardholders(demo: DemoData, count: number, seed: number): Resident[] {
  // Under 15 a card serves no certificate at a store (ELIGIBILITY_UNDER_15): children count among the others.
  const servable = (r: Resident) => r.status === 'active' && r.recordState === 'approved' && r.birthDate <= '2011-11-24';
  const active = demo.batch.residents.filter(servable);
  const others = demo.batch.residents.filter((r) => !servable(r));
  const chosen: Resident[] = [];
  // A fixed stride through the list (coprime with its length) spreads the choice without a PRNG.
  const pick = (from: Resident[], n: number) => {
    const stride = strideFor(from.length, seed);
    for (let i = 0; i < Math.min(n, from.length); i++) chosen.push(from[(i * stride) % from.length]!);
  };
  const edge = Math.min(others.length, Math.floor(count / 20));
  pick(active, count - edge);
  pick(others, edge);
  // Every featured resident of the demo's own world, whatever the size: its stories are the edge cases.
  for (const id of Object.values(demo.featured))
    if (!chosen.some((r) => r.residentId === id)) chosen.push(demo.batch.residents.find((r) => r.residentId === id)!);
  return chosen;
}

function strideFor(length: number, seed: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = 7919 + (seed % 1000);
  while (gcd(stride, length) !== 1) stride++;
  return stride;
}

async function issueCards(pki: TestPki, holders: Resident[]): Promise<(LoadCard & { serialNumber: string })[]> {
  const pool: KeyPair[] = [];
  for (let i = 0; i < KEY_POOL_SIZE; i++) pool.push(await pooledKey(defaultKeyPoolDir(), i));
  const cards = [];
  for (const [i, r] of holders.entries()) {
    const keyPair = pool[i % pool.length]!;
    const issued = await issueCardCertificate(pki, {
      keyPair,
      notBefore: new Date('2026-01-05T00:00:00Z'),
      notAfter: new Date('2031-01-05T00:00:00Z'),
    });
    cards.push({
      residentId: r.residentId,
      serialNumber: issued.serialNumber,
      certificateDerBase64: Buffer.from(issued.certificateDer).toString('base64'),
      privateKeyPem: keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    });
  }
  return cards;
}
