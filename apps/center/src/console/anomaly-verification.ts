/**
 * Chain verification from the console: at most one runs per center process. A caller who asks
 * while one is running gets that run's answer (it started a moment ago, so it is as fresh as a new
 * one would be), so a page reloaded ten times verifies once, and the walk's own chunks
 * (audit/verify.ts gives the event loop back after every page of rows) keep kiosks served meanwhile.
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

type Verification = ConsoleResponse<'verifyChain'>;

const running = new WeakMap<CenterContext, Promise<Verification>>();

export function verifyChainOnce(context: CenterContext): Promise<Verification> {
  const current = running.get(context);
  if (current) return current;
  const run = verifyNow(context).finally(() => running.delete(context));
  running.set(context, run);
  return run;
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

async function verifyNow(context: CenterContext): Promise<Verification> {
  const startedAt = context.now().toISOString();
  const signer = context.config.chainHeads?.signer;
  const result = await verifyAuditChain(context.database.db, {
    publishedHeads: await headsToCheck(context),
    ...(signer ? { headPublicKey: createPublicKey(createPrivateKey(signer.privateKeyPem)) } : {}),
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
