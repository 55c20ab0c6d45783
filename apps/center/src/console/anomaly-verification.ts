/**
 * Chain verification from the console, answered within the page's 1 s whatever the chain's length.
 *
 * The verification runs in the background and the page is answered from what is known: the last
 * completed verification (when it started and ended, the head it reached, what it found) and the
 * progress of the one running. Why:
 * - Not waited for: the walk is linear in the history (every row hashed again, then the issuances
 *   and registrations checked against it); after about 13,900 console fuzz inputs it took 3.9 s, so a
 *   page that waits for it passes its bound as the history grows (docs/fuzzing.md#open).
 * - A whole walk every time, not an incremental one from the last verified seq and hash: that would
 *   check only the rows added since, so a row edited behind the checkpoint (or the chain rewritten
 *   from there with every hash recomputed) would never be looked at again. The promise is that a row
 *   altered after a verification is reported by the next one (anomaly-verification.test.ts).
 * - On the serving thread, not a worker: the walk already reads 2000 rows a page from the database
 *   (on SQLite its own thread) and gives the event loop back after each page, which hashes in a few
 *   milliseconds (audit/verify.ts), so kiosks are served between pages. A worker would need a
 *   database connection of its own (a pool on PostgreSQL) and would check the same rows.
 *
 * At most one verification runs per center process. A call joins the running one (it started a
 * moment ago, so it is as fresh as a new one: a page reloaded ten times walks once), or else starts
 * one, unless `startedAfter` names an instant that the last completed one started at or after (the
 * page asking again about the run it started). It waits for it up to ANSWER_WAIT_MS: a short chain
 * is answered fresh at once, a long one with its progress, and the page asks again until it is done.
 * Results live in this process's memory: each center process has its own, a restarted one none yet.
 *
 * The chain is checked against every head signed here (the table) and every head in the published
 * file, if the center publishes one: a copy of the file outside the center is what catches a
 * rewrite that also rewrote the table, and `audit verify --heads <file>` checks against such a copy.
 */
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleResponse } from '@madoguchi/shared';
import { PUBLISHED_HEADS_FILE, readPublishedHeads, storedHeads, type PublishedHead } from '../audit/chain-heads.js';
import { verifyAuditChain } from '../audit/verify.js';
import type { CenterContext } from '../http/context.js';

type VerificationState = ConsoleResponse<'verifyChain'>;
type Verification = NonNullable<VerificationState['last']>;

/** How long a call waits for the verification before it answers with the progress (the page's bound is 1 s). */
export const ANSWER_WAIT_MS = 400;

interface Run {
  startedAt: string;
  rowsChecked: number;
  done: Promise<Verification>;
}

interface Verifications {
  running: Run | null;
  last: Verification | null;
}

const processes = new WeakMap<CenterContext, Verifications>();

function verificationsOf(context: CenterContext): Verifications {
  let state = processes.get(context);
  if (!state) processes.set(context, (state = { running: null, last: null }));
  return state;
}

/** The running verification, or a new one. */
function runningOrNew(context: CenterContext, state: Verifications): Run {
  if (state.running) return state.running;
  const startedAt = context.now().toISOString();
  const run: Run = { startedAt, rowsChecked: 0, done: Promise.resolve(null as never) };
  run.done = verifyNow(context, startedAt, (rows) => (run.rowsChecked = rows))
    .then((result) => (state.last = result))
    .finally(() => {
      if (state.running === run) state.running = null;
    });
  // A failure after every caller stopped waiting (the database gone mid-walk) is answered to whoever
  // waits then; the next call starts again.
  run.done.catch(() => undefined);
  state.running = run;
  return run;
}

/** See the header: starts or joins a verification, waits up to `waitMs`, answers the last result and the progress. */
export async function chainVerification(
  context: CenterContext,
  options: { startedAfter?: string; waitMs?: number } = {},
): Promise<VerificationState> {
  const state = verificationsOf(context);
  const answered =
    options.startedAfter !== undefined && state.last !== null && Date.parse(state.last.startedAt) >= Date.parse(options.startedAfter);
  const run = state.running ?? (answered ? null : runningOrNew(context, state));
  if (run) {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.waitMs ?? ANSWER_WAIT_MS)));
    try {
      await Promise.race([run.done, waited]);
    } finally {
      clearTimeout(timer);
    }
  }
  const running = state.running;
  return { last: state.last, running: running ? { startedAt: running.startedAt, rowsChecked: running.rowsChecked } : null };
}

async function headsToCheck(context: CenterContext): Promise<PublishedHead[]> {
  const heads = await storedHeads(context.database.db);
  const dir = context.config.chainHeads?.publishDir;
  const file = dir ? join(dir, PUBLISHED_HEADS_FILE) : null;
  if (file && existsSync(file)) heads.push(...readPublishedHeads(readFileSync(file, 'utf8'), PUBLISHED_HEADS_FILE));
  const seen = new Set<string>();
  return heads.filter((h) => {
    const key = `${h.seq}:${h.hash}:${h.signature}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function verifyNow(context: CenterContext, startedAt: string, onProgress: (rows: number) => void): Promise<Verification> {
  const signer = context.config.chainHeads?.signer;
  const result = await verifyAuditChain(context.database.db, {
    publishedHeads: await headsToCheck(context),
    ...(signer ? { headPublicKey: createPublicKey(createPrivateKey(signer.privateKeyPem)) } : {}),
    onProgress,
  });
  return {
    ok: result.ok,
    rows: result.rows,
    head: result.head,
    firstBrokenSeq: result.firstBrokenSeq,
    headsChecked: result.headsChecked,
    // The answer stays small whatever the damage: the first problems name where to look.
    problems: result.problems.slice(0, 100),
    startedAt,
    finishedAt: context.now().toISOString(),
  };
}
