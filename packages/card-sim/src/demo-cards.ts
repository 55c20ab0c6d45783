/**
 * One virtual card per demo resident, plus deliberate edge cards, cached in a state directory so a
 * second run costs nothing. Each card has its own RSA-2048 key and certificate (keys are generated on
 * the libuv thread pool, a few at a time).
 *
 * stateDir/
 *   pki/                  the test PKI (see test-pki.ts): trusted-cas.pem and crls.pem for the center
 *   cards/<cardId>/       card.json, auth-cert.der, auth-key.pem, counters.json (PIN tries: survives restarts)
 *   cards.json            the manifest, in creation order
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileCardState } from './card-state.js';
import { VirtualJpkiCard, type PhoneConfirmation, type TokenType } from './jpki-applet.js';
import { defaultKeyPoolDir, pooledKey, type KeyPair } from './key-pool.js';
import { createTestPki, fifthBirthdayAfter, issueCardCertificate, revoke, type CaGeneration, type TestPki } from './test-pki.js';

export const DEMO_PIN = '1234';

export type EdgeKind = 'expired' | 'revoked' | 'locked' | 'android' | 'iphone' | 'unknownCa';
export const EDGE_KINDS: readonly EdgeKind[] = ['expired', 'revoked', 'locked', 'android', 'iphone', 'unknownCa'];

export interface DemoResident {
  residentId: string;
  /** YYYY-MM-DD */
  birthDate: string;
}

export interface DemoCard {
  cardId: string;
  residentId: string;
  pin: string;
  /** CardLink.issuer */
  issuer: string;
  /** CardLink.serialNumber: upper-case hex */
  serialNumber: string;
  certificateDer: Uint8Array;
  tokenType: TokenType;
  /** For the demo's card picker; no personal data. */
  label: string;
  /** Day the certificate was issued (YYYY-MM-DD); a CardLink's usableFrom is the day after. */
  issuedOn: string;
  caGeneration: CaGeneration;
  edge?: EdgeKind;
}

interface StoredCard extends Omit<DemoCard, 'certificateDer'> {
  certificateFile: string;
}

export interface EnsureDemoCardsOptions {
  /** Issue date of ordinary cards (YYYY-MM-DD); default: 400 days before today. */
  issuedOn?: string;
  /** Which resident each edge card belongs to; default the first resident. */
  edgeResidents?: Partial<Record<EdgeKind, string>>;
  /** Every n-th ordinary card is issued by the previous CA generation (default 5; 0 = never). */
  previousGenerationEvery?: number;
  /** Parallel key generations (default 4, the libuv thread pool size). */
  concurrency?: number;
  /** Machine-wide pool of generated keys (see key-pool.ts); null = always generate. */
  keyPoolDir?: string | null;
}

export function demoPkiDir(stateDir: string): string {
  return join(stateDir, 'pki');
}

function cardDir(stateDir: string, cardId: string): string {
  return join(stateDir, 'cards', cardId);
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function jstMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+09:00`);
}

function manifestPath(stateDir: string): string {
  return join(stateDir, 'cards.json');
}

function readManifest(stateDir: string): StoredCard[] {
  if (!existsSync(manifestPath(stateDir))) return [];
  return JSON.parse(readFileSync(manifestPath(stateDir), 'utf8')) as StoredCard[];
}

function writeManifest(stateDir: string, cards: StoredCard[]): void {
  const tmp = `${manifestPath(stateDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cards, null, 2)}\n`);
  renameSync(tmp, manifestPath(stateDir));
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

interface Plan {
  cardId: string;
  residentId: string;
  birthDate: string;
  tokenType: TokenType;
  generation: CaGeneration;
  issuedOn: string;
  notAfter: Date;
  edge?: EdgeKind;
}

/**
 * Idempotently creates the PKI and the cards; returns them in a stable order (ordinary cards in the
 * order of `residents`, then the edge cards). Existing cards are reused as they are.
 */
export async function ensureDemoCards(
  stateDir: string,
  residents: readonly DemoResident[],
  options: EnsureDemoCardsOptions = {},
): Promise<DemoCard[]> {
  if (residents.length === 0) throw new Error('ensureDemoCards needs at least one resident');
  mkdirSync(join(stateDir, 'cards'), { recursive: true });
  const pki = await createTestPki(demoPkiDir(stateDir));
  const today = new Date();
  const issuedOn = options.issuedOn ?? isoDay(new Date(today.getTime() - 400 * 86_400_000));
  const every = options.previousGenerationEvery ?? 5;

  const plans: Plan[] = residents.map((r, i) => ({
    cardId: `card-${safeId(r.residentId)}`,
    residentId: r.residentId,
    birthDate: r.birthDate,
    tokenType: 'card',
    generation: every > 0 && i % every === every - 1 ? 'previous' : 'current',
    issuedOn,
    notAfter: fifthBirthdayAfter(issuedOn, r.birthDate),
  }));
  for (const edge of EDGE_KINDS) {
    const residentId = options.edgeResidents?.[edge] ?? residents[0]!.residentId;
    const resident = residents.find((r) => r.residentId === residentId);
    if (!resident) throw new Error(`edge card ${edge}: resident ${residentId} is not in the list`);
    const base = {
      cardId: `card-edge-${edge}`,
      residentId,
      birthDate: resident.birthDate,
      edge,
      generation: 'current' as CaGeneration,
      issuedOn,
      notAfter: fifthBirthdayAfter(issuedOn, resident.birthDate),
    };
    if (edge === 'expired') {
      // Issued six years ago; its fifth birthday after issue has passed.
      const oldIssue = isoDay(new Date(today.getTime() - 6 * 366 * 86_400_000));
      plans.push({ ...base, tokenType: 'card', issuedOn: oldIssue, notAfter: fifthBirthdayAfter(oldIssue, resident.birthDate) });
    } else if (edge === 'android' || edge === 'iphone') {
      plans.push({ ...base, tokenType: edge });
    } else if (edge === 'unknownCa') {
      plans.push({ ...base, tokenType: 'card', generation: 'unknown' });
    } else {
      plans.push({ ...base, tokenType: 'card' });
    }
  }

  const existing = new Map(readManifest(stateDir).map((c) => [c.cardId, c]));
  const missing = plans.filter((p) => !existing.has(p.cardId) || !existsSync(join(cardDir(stateDir, p.cardId), 'card.json')));
  // Pool keys are handed out after the ones this state directory already uses, so no two cards share one.
  const poolDir = options.keyPoolDir === undefined ? defaultKeyPoolDir() : options.keyPoolDir;
  const firstKey = existing.size;
  const created = await mapLimited(missing, options.concurrency ?? 4, (plan, i) =>
    createCard(stateDir, pki, plan, () => pooledKey(poolDir, firstKey + i)),
  );
  for (const card of created) existing.set(card.cardId, card);
  if (created.length > 0) writeManifest(stateDir, [...existing.values()]);
  return plans.map((p) => toDemoCard(stateDir, existing.get(p.cardId)!));
}

async function createCard(stateDir: string, pki: TestPki, plan: Plan, key: () => Promise<KeyPair>): Promise<StoredCard> {
  const keyPair = await key();
  const issued = await issueCardCertificate(pki, {
    keyPair,
    generation: plan.generation,
    notBefore: jstMidnight(plan.issuedOn),
    notAfter: plan.notAfter,
  });
  const dir = cardDir(stateDir, plan.cardId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'auth-cert.der'), issued.certificateDer);
  writeFileSync(join(dir, 'auth-key.pem'), keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  const locked = plan.edge === 'locked';
  const counters = fileCardState(join(dir, 'counters.json'));
  counters.write({ authPinTriesLeft: locked ? 0 : 3, signPinTriesLeft: 5 });
  if (plan.edge === 'revoked') revoke(pki, issued.serialNumber, { generation: plan.generation });
  const stored: StoredCard = {
    cardId: plan.cardId,
    residentId: plan.residentId,
    pin: DEMO_PIN,
    issuer: pki.issuer,
    serialNumber: issued.serialNumber,
    tokenType: plan.tokenType,
    label: label(plan),
    issuedOn: plan.issuedOn,
    caGeneration: plan.generation,
    ...(plan.edge ? { edge: plan.edge } : {}),
    certificateFile: 'auth-cert.der',
  };
  writeFileSync(join(dir, 'card.json'), `${JSON.stringify(stored, null, 2)}\n`);
  return stored;
}

const EDGE_LABELS: Record<EdgeKind, string> = {
  expired: 'expired certificate',
  revoked: 'revoked certificate',
  locked: 'PIN locked',
  android: 'Android smartphone',
  iphone: 'iPhone',
  unknownCa: 'certificate from an unknown CA',
};

function label(plan: Plan): string {
  const kind = plan.edge ? EDGE_LABELS[plan.edge] : plan.generation === 'previous' ? 'card (previous CA generation)' : 'card';
  return `${plan.residentId} · ${kind}`;
}

function toDemoCard(stateDir: string, stored: StoredCard): DemoCard {
  const { certificateFile, ...rest } = stored;
  return { ...rest, certificateDer: new Uint8Array(readFileSync(join(cardDir(stateDir, stored.cardId), certificateFile))) };
}

/** Lists the cards already made (no generation). */
export function listDemoCards(stateDir: string): DemoCard[] {
  return readManifest(stateDir).map((c) => toDemoCard(stateDir, c));
}

/** The demo iPhone's holder confirms on the phone this long after the kiosk asks: long enough to read the guidance. */
export const DEMO_PHONE_CONFIRMATION: PhoneConfirmation = { answer: 'confirm', afterMs: 2000 };

/**
 * A card from the state directory, its PIN counters backed by its counters.json. `phone` says what
 * the holder of an iPhone token does on the phone (default DEMO_PHONE_CONFIRMATION).
 */
export function openDemoCard(stateDir: string, cardId: string, options: { phone?: PhoneConfirmation } = {}): VirtualJpkiCard {
  const dir = cardDir(stateDir, safeId(cardId));
  const stored = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as StoredCard;
  const key: KeyObject = createPrivateKey(readFileSync(join(dir, 'auth-key.pem'), 'utf8'));
  const pki = demoPkiDir(stateDir);
  const caPem = readFileSync(join(pki, `ca-${stored.caGeneration}.cert.pem`), 'utf8');
  return new VirtualJpkiCard({
    tokenType: stored.tokenType,
    authCertificateDer: new Uint8Array(readFileSync(join(dir, stored.certificateFile))),
    authCaCertificateDer: new Uint8Array(Buffer.from(caPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')),
    authPrivateKey: key,
    authPin: stored.pin,
    state: fileCardState(join(dir, 'counters.json')),
    // Real cards pad their certificate EFs; keep clients honest about sizing from the DER header.
    certificateFiller: 64,
    phone: options.phone ?? DEMO_PHONE_CONFIRMATION,
  });
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
