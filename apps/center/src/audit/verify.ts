/**
 * Verifies the issuance history: every row's hash, every link to the previous row, and that the
 * sequence has no gaps. Then cross-checks the history against the issuances and the 本籍地
 * registrations: each issuance's current state, and each registration's application and decision,
 * must be recorded in the history, so removing the newest rows (which leaves a valid but shorter
 * chain) is caught too, as is a head that does not match one noted earlier, or one published
 * (chain-heads.ts: a chain rewritten whole, every hash recomputed, no longer has a published hash).
 *
 * The walk reads a page of rows at a time and gives the event loop back between pages
 * (setImmediate): better-sqlite3 answers synchronously, so without it a long chain would hold the
 * center's kiosk requests until the end. A page of 2000 rows hashes in a few milliseconds.
 */
import type { KeyObject } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { GENESIS_HASH, domicileRegistrationEvents, hashRow } from './chain.js';
import { checkPublishedHeads, type PublishedHead } from './chain-heads.js';

export interface AuditProblem {
  seq: number | null;
  kind:
    | 'hash_mismatch'
    | 'broken_link'
    | 'sequence_gap'
    | 'state_not_recorded'
    | 'head_mismatch'
    | 'published_head_missing'
    | 'published_head_mismatch'
    | 'published_head_signature_invalid';
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  head: { seq: number; hash: string } | null;
  /** The first row whose hash, link or seq is wrong (the chain's own check), or null. */
  firstBrokenSeq: number | null;
  headsChecked: number;
  problems: AuditProblem[];
}

const stateEvent: Record<string, string> = {
  quoted: 'quoted',
  paid: 'paid',
  delivered: 'delivered',
  printed: 'printed',
  refunded: 'refunded',
  voided: 'voided',
};

export async function verifyAuditChain(
  db: Kysely<Database>,
  options: {
    expectedHead?: { seq: number; hash: string };
    /** Published heads to check the chain against; with their public key, their signatures too. */
    publishedHeads?: PublishedHead[];
    headPublicKey?: KeyObject;
    pageSize?: number;
    /** Told the rows walked so far after every page (the console shows a long walk's progress). */
    onProgress?: (rowsChecked: number) => void;
  } = {},
): Promise<AuditVerification> {
  const chain = await walkChain(db, options.pageSize ?? 2000, options.onProgress);
  const problems = [
    ...chain.problems,
    ...(options.expectedHead ? await checkNotedHead(db, options.expectedHead) : []),
    ...(options.publishedHeads ? await checkPublishedHeads(db, options.publishedHeads, options.headPublicKey) : []),
    ...(await checkIssuanceStatesRecorded(db)),
    ...(await checkRegistrationsRecorded(db)),
  ];
  const firstBrokenSeq = chain.problems.find((p) => p.seq !== null)?.seq ?? null;
  return {
    ok: problems.length === 0,
    rows: chain.rows,
    head: chain.head,
    firstBrokenSeq,
    headsChecked: options.publishedHeads?.length ?? 0,
    problems,
  };
}

/** Reads the history page by page, checking each row's hash, its link and the sequence. */
async function walkChain(
  db: Kysely<Database>,
  pageSize: number,
  onProgress?: (rowsChecked: number) => void,
): Promise<Pick<AuditVerification, 'rows' | 'head' | 'problems'>> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let rows = 0;
  let head: AuditVerification['head'] = null;
  let after = 0;
  for (;;) {
    const page = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    if (page.length === 0) break;
    for (const row of page) {
      rows++;
      if (row.seq !== expectedSeq)
        problems.push({ seq: row.seq, kind: 'sequence_gap', message: `expected seq ${expectedSeq}, found ${row.seq}: rows were deleted` });
      if (row.prev_hash !== prevHash)
        problems.push({ seq: row.seq, kind: 'broken_link', message: 'prev_hash does not match the previous row' });
      const { hash, ...rest } = row;
      if (hashRow(rest) !== hash)
        problems.push({ seq: row.seq, kind: 'hash_mismatch', message: 'row content does not match its hash: the row was edited' });
      expectedSeq = row.seq + 1;
      prevHash = hash;
      head = { seq: row.seq, hash };
    }
    after = page.at(-1)!.seq;
    onProgress?.(rows);
    await nextTurn();
  }
  return { rows, head, problems };
}

async function checkNotedHead(db: Kysely<Database>, noted: { seq: number; hash: string }): Promise<AuditProblem[]> {
  const row = await db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', '=', noted.seq).executeTakeFirst();
  if (row && row.hash === noted.hash) return [];
  return [{ seq: noted.seq, kind: 'head_mismatch', message: 'the head noted earlier is no longer in the chain' }];
}

async function checkIssuanceStatesRecorded(db: Kysely<Database>): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const issuances = await db.selectFrom('issuances').select(['issuance_id', 'state']).execute();
  const recorded = await db.selectFrom('audit_events').select(['issuance_id', 'event']).where('issuance_id', 'is not', null).execute();
  const events = new Map<string, Set<string>>();
  for (const r of recorded) {
    const set = events.get(r.issuance_id!) ?? new Set<string>();
    set.add(r.event);
    events.set(r.issuance_id!, set);
  }
  for (const issuance of issuances) {
    const event = stateEvent[issuance.state];
    if (event && !events.get(issuance.issuance_id)?.has(event)) {
      problems.push({
        seq: null,
        kind: 'state_not_recorded',
        message: `issuance ${issuance.issuance_id} is ${issuance.state} but the history has no '${event}' row`,
      });
    }
  }
  return problems;
}

async function checkRegistrationsRecorded(db: Kysely<Database>): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const registrations = await db.selectFrom('domicile_registrations').select(['registration_id', 'status']).execute();
  const registrationRows = await db
    .selectFrom('audit_events')
    .select(['event', 'detail_json'])
    .where('event', 'in', [...domicileRegistrationEvents])
    .execute();
  const registrationEvents = new Map<string, Set<string>>();
  for (const r of registrationRows) {
    const registrationId = (JSON.parse(r.detail_json ?? '{}') as { registrationId?: unknown }).registrationId;
    if (typeof registrationId !== 'string') continue;
    const set = registrationEvents.get(registrationId) ?? new Set<string>();
    set.add(r.event);
    registrationEvents.set(registrationId, set);
  }
  for (const registration of registrations) {
    const expected = [
      'domicile_registration_applied',
      ...(registration.status === 'pending' ? [] : [`domicile_registration_${registration.status}`]),
    ];
    for (const event of expected) {
      if (!registrationEvents.get(registration.registration_id)?.has(event)) {
        problems.push({
          seq: null,
          kind: 'state_not_recorded',
          message: `domicile registration ${registration.registration_id} is ${registration.status} but the history has no '${event}' row`,
        });
      }
    }
  }
  return problems;
}
