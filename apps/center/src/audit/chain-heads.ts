/**
 * Signed heads of the hash chain. The chain alone cannot show a rewrite made whole — every hash
 * recomputed from the first edited row on is again a valid chain — so once per Japan day the
 * center signs the day's last row (seq, hash, recorded_at, day) with a key of its own (Ed25519,
 * `chain-head-key.pem` in the state directory, like the binding and verification keys), keeps the
 * head in `chain_heads` and appends it as one JSON line to `chain-heads.jsonl` in a publication
 * directory meant to be copied out of the center's reach. Verification (verify.ts) then checks the
 * chain against every published head: a rewritten chain no longer has the published hash at its seq.
 *
 * A seq is signed once (a unique column), so every center process may run the daily timer and the
 * CLI may sign on demand: the second signer of the same head finds it signed and does nothing.
 */
import { startPeriodicTask } from '../periodic-task.js';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { MadoguchiError, japanDate } from '@madoguchi/shared';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { ChainHeadsTable } from '../db/tables/operations.js';
import { canonicalJson } from '../issuance/canonical-json.js';
import { ensureStateFile } from '../state-file.js';
import { appendAudit } from './chain.js';

export const CHAIN_HEAD_KEY_ID = 'chain-head-1';
export const CHAIN_HEAD_KEY_FILE = 'chain-head-key.pem';
/** The file of published heads in the publication directory: one JSON object per line, oldest first. */
export const PUBLISHED_HEADS_FILE = 'chain-heads.jsonl';

/** Where heads are published: MADOGUCHI_CHAIN_HEADS_DIR, else <state>/published-heads (the server and the CLI alike). */
export const publishDirOf = (stateDir: string, env: NodeJS.ProcessEnv = process.env): string =>
  resolve(env.MADOGUCHI_CHAIN_HEADS_DIR || join(stateDir, 'published-heads'));

export interface ChainHeadSigner {
  privateKeyPem: string;
  keyId: string;
}

/** A published head, as it appears in the JSON-lines file and in the console. */
export interface PublishedHead {
  day: string;
  seq: number;
  hash: string;
  recordedAt: string;
  signedAt: string;
  keyId: string;
  /** base64 Ed25519 signature over headPayload(). */
  signature: string;
}

/** Creates (once, 0600) and reads the chain-head signing key of a center state directory. */
export function ensureChainHeadKey(stateDir: string): ChainHeadSigner {
  const privateKeyPem = ensureStateFile(join(stateDir, CHAIN_HEAD_KEY_FILE), () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  return { privateKeyPem, keyId: CHAIN_HEAD_KEY_ID };
}

export const chainHeadPublicKeyPem = (signer: ChainHeadSigner): string =>
  createPublicKey(createPrivateKey(signer.privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();

/** What the signature covers: every field but the signature, in canonical form. */
export function headPayload(head: Omit<PublishedHead, 'signature'>): Buffer {
  const { day, seq, hash, recordedAt, signedAt, keyId } = head;
  return Buffer.from(canonicalJson({ day, seq, hash, recordedAt, signedAt, keyId }));
}

export function headSignatureValid(head: PublishedHead, publicKey: KeyObject): boolean {
  try {
    return verify(null, headPayload(head), publicKey, Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}

export const publishedHead = (row: ChainHeadsTable): PublishedHead => ({
  day: row.day,
  seq: Number(row.seq),
  hash: row.hash,
  recordedAt: row.recorded_at,
  signedAt: row.signed_at,
  keyId: row.key_id,
  signature: row.signature,
});

/** 00:00 in Japan of the Japan date of `now`, as an instant. */
const japanMidnight = (now: Date): Date => new Date(`${japanDate(now)}T00:00:00+09:00`);

/**
 * Signs a head: `daily` the last row recorded before today's 00:00 JST (yesterday's head, day =
 * yesterday), `demand` the newest row (day = today). Null when there is no such row; the existing
 * head (created false) when that seq is signed already. The JSON line is appended once the head
 * is committed; a failed append leaves the head in the table, and `audit head export` rewrites the
 * whole file from it.
 */
export async function signChainHead(
  database: CenterDatabase,
  signer: ChainHeadSigner,
  options: { mode: 'daily' | 'demand'; publishDir?: string | null },
  now: Date,
): Promise<{ head: PublishedHead; created: boolean } | null> {
  const midnight = japanMidnight(now);
  let last = database.db.selectFrom('audit_events').select(['seq', 'hash', 'recorded_at']).orderBy('seq', 'desc').limit(1);
  if (options.mode === 'daily') last = last.where('recorded_at', '<', midnight.toISOString());
  const row = await last.executeTakeFirst();
  if (!row) return null;
  const unsigned = {
    day: options.mode === 'daily' ? japanDate(new Date(midnight.getTime() - 1)) : japanDate(now),
    seq: Number(row.seq),
    hash: row.hash,
    recordedAt: row.recorded_at,
    signedAt: now.toISOString(),
    keyId: signer.keyId,
  };
  const head: PublishedHead = {
    ...unsigned,
    signature: sign(null, headPayload(unsigned), createPrivateKey(signer.privateKeyPem)).toString('base64'),
  };
  const created = await writeTransaction(database, async (trx) => {
    const headId = randomUUID();
    const inserted = await trx
      .insertInto('chain_heads')
      .values({
        head_id: headId,
        day: head.day,
        seq: head.seq,
        hash: head.hash,
        recorded_at: head.recordedAt,
        signed_at: head.signedAt,
        key_id: head.keyId,
        signature: head.signature,
      })
      .onConflict((oc) => oc.column('seq').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    await appendAudit(
      trx,
      database.kind,
      { event: 'chain_head_signed', detail: { headId, day: head.day, seq: head.seq, hash: head.hash, keyId: head.keyId } },
      now,
    );
    return true;
  });
  if (!created) {
    const existing = await database.db.selectFrom('chain_heads').selectAll().where('seq', '=', head.seq).executeTakeFirstOrThrow();
    return { head: publishedHead(existing), created: false };
  }
  if (options.publishDir) {
    mkdirSync(options.publishDir, { recursive: true });
    appendFileSync(join(options.publishDir, PUBLISHED_HEADS_FILE), `${JSON.stringify(head)}\n`);
  }
  return { head, created: true };
}

/** Every head in the table, oldest first. */
export async function storedHeads(db: Kysely<Database>): Promise<PublishedHead[]> {
  return (await db.selectFrom('chain_heads').selectAll().orderBy('seq').execute()).map(publishedHead);
}

/** The heads as the JSON-lines file holds them. */
export const headsAsJsonLines = (heads: PublishedHead[]): string => heads.map((h) => `${JSON.stringify(h)}\n`).join('');

/** Reads a file of published heads; a line that is not a head is refused with its line number. */
export function readPublishedHeads(text: string, source: string): PublishedHead[] {
  const heads: PublishedHead[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: Partial<PublishedHead> | null = null;
    try {
      value = JSON.parse(line) as Partial<PublishedHead>;
    } catch {
      value = null;
    }
    const valid =
      value &&
      Number.isSafeInteger(value.seq) &&
      [value.day, value.hash, value.recordedAt, value.signedAt, value.keyId, value.signature].every((f) => typeof f === 'string');
    if (!valid) throw new MadoguchiError('INPUT_INVALID', `${source} line ${index + 1} is not a published head`);
    heads.push(value as PublishedHead);
  }
  return heads;
}

export interface HeadProblem {
  seq: number;
  kind: 'published_head_missing' | 'published_head_mismatch' | 'published_head_signature_invalid';
  message: string;
}

/**
 * Checks the chain against published heads: the row at each head's seq must exist and carry the
 * head's hash; with the public key, the head's own signature must hold (a forged head proves nothing).
 */
export async function checkPublishedHeads(db: Kysely<Database>, heads: PublishedHead[], publicKey?: KeyObject): Promise<HeadProblem[]> {
  const problems: HeadProblem[] = [];
  const name = (h: PublishedHead) => `published head of ${h.day} (seq ${h.seq}, ${h.hash.slice(0, 12)}…)`;
  for (let i = 0; i < heads.length; i += 500) {
    const chunk = heads.slice(i, i + 500);
    const rows = await db
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where(
        'seq',
        'in',
        chunk.map((h) => h.seq),
      )
      .execute();
    const hashAt = new Map(rows.map((r) => [Number(r.seq), r.hash]));
    for (const head of chunk) {
      if (publicKey && head.keyId === CHAIN_HEAD_KEY_ID && !headSignatureValid(head, publicKey))
        problems.push({ seq: head.seq, kind: 'published_head_signature_invalid', message: `${name(head)}: its signature does not verify` });
      const hash = hashAt.get(head.seq);
      if (hash === undefined)
        problems.push({ seq: head.seq, kind: 'published_head_missing', message: `${name(head)}: the chain has no row at that seq` });
      else if (hash !== head.hash)
        problems.push({
          seq: head.seq,
          kind: 'published_head_mismatch',
          message: `${name(head)} no longer matches the chain: the history was rewritten`,
        });
    }
  }
  return problems;
}

/**
 * The daily head from a timer (app.ts starts it when the configuration names a signing key): every
 * tick signs yesterday's head unless it is signed already, so a center down at midnight signs it
 * when it comes back. One tick at a time; a failure is logged and retried at the next tick.
 */
export function startChainHeadTimer(
  database: CenterDatabase,
  settings: { signer: ChainHeadSigner; publishDir: string | null },
  intervalMs: number,
  clock: () => Date,
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
): () => Promise<void> {
  return startPeriodicTask(
    intervalMs,
    async () => {
      const signed = await signChainHead(database, settings.signer, { mode: 'daily', publishDir: settings.publishDir }, clock());
      if (signed?.created) log.info({ day: signed.head.day, seq: signed.head.seq }, 'chain head signed');
    },
    (error) => log.warn({ err: error.message }, 'chain head signing failed'),
    { runAtStart: true },
  );
}
