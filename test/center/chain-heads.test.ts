/**
 * Signed daily heads of the audit chain (issue 12 item 2): the center signs the last row of each
 * Japan day with its own key, keeps it in chain_heads and publishes it as a JSON line; a chain
 * rewritten whole — every hash recomputed, so the chain alone verifies — is caught against the
 * published heads, by the library, the CLI (`audit verify --heads`) and the console's verification.
 * One center per database; the rewrite comes last because it breaks the chain for good.
 */
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '@madoguchi/center/db';
import {
  PUBLISHED_HEADS_FILE,
  canonicalJson,
  ensureChainHeadKey,
  hashRow,
  readPublishedHeads,
  signChainHead,
  storedHeads,
  verifyAuditChain,
  type CenterDatabase,
} from '@madoguchi/center';
import { auditProgram, runProgram } from '@madoguchi/center/cli';
import { forEachDatabase } from '../support/databases.js';
import { ok } from './support/center-harness.js';
import { startConsoleCenter, type ConsoleCenter, type ConsoleClient } from './support/console-harness.js';

const urlOf = (config: DatabaseConfig) => (config.kind === 'sqlite' ? config.path : config.connectionString);

async function inProcess(args: string[]) {
  let stdout = '';
  let stderr = '';
  let code = 0;
  await runProgram(auditProgram, args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    setExitCode: (c) => void (code = c),
  });
  return { code, stdout, stderr };
}

/** What someone with the database's DDL rights does: drop the guard, edit a row, recompute every hash after it. */
async function rewriteWholeChain(database: CenterDatabase, fromSeq: number): Promise<void> {
  if (database.kind === 'sqlite') {
    await sql`drop trigger audit_events_no_update`.execute(database.db);
  } else {
    await sql`drop trigger audit_events_no_change on audit_events`.execute(database.db);
  }
  const rows = await database.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
  let prevHash = rows.find((r) => r.seq === fromSeq - 1)?.hash ?? '0'.repeat(64);
  for (const row of rows.filter((r) => r.seq >= fromSeq)) {
    const { hash: _old, ...rest } = row;
    const edited = { ...rest, prev_hash: prevHash, ...(row.seq === fromSeq ? { store_code: 'S-REWRITTEN' } : {}) };
    const hash = hashRow(edited);
    await database.db
      .updateTable('audit_events')
      .set({ store_code: edited.store_code, prev_hash: prevHash, hash })
      .where('seq', '=', row.seq)
      .execute();
    prevHash = hash;
  }
}

forEachDatabase((databases) => {
  describe('signed heads of the audit chain', () => {
    let con: ConsoleCenter;
    let operator: ConsoleClient;
    let state: string;
    let publishDir: string;
    const at = (iso: string) => new Date(iso);

    beforeAll(async () => {
      con = await startConsoleCenter(await databases.fresh(), { build: { sweeper: false } });
      operator = await con.signIn(await con.createStaffAccount({ role: 'operator', municipalityCode: null }));
      state = mkdtempSync(join(tmpdir(), 'madoguchi-heads-'));
      publishDir = join(state, 'published-heads');
      // A day of history: an issuance on 24 November (JST), printed.
      const kiosk = await con.center.enrollKiosk();
      const card = await con.center.issueCard(con.center.demo.featured.ordinary);
      const session = ok(await con.center.authenticate(kiosk, card));
      const quote = ok(await con.center.quote(kiosk, session.sessionId));
      const paid = ok(await con.center.pay(kiosk, quote));
      ok(await con.center.reportPrint(kiosk, quote.issuanceId, { issueNumber: paid.documents[0]!.binding.issueNumber }));
    }, 60_000);
    afterAll(async () => {
      await con?.close();
      rmSync(state, { recursive: true, force: true });
    });

    it('signs the last row of the Japan day once, publishes it as a JSON line and records chain_head_signed', async () => {
      const db = con.center.database.db;
      const signer = ensureChainHeadKey(state);
      const lastOfDay = await db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      // 00:30 JST on the 25th: the 24th is over, its last row is the head to sign.
      const signed = await signChainHead(con.center.database, signer, { mode: 'daily', publishDir }, at('2026-11-25T00:30:00+09:00'));
      expect(signed?.created).toBe(true);
      expect(signed!.head).toMatchObject({ day: '2026-11-24', seq: lastOfDay.seq, hash: lastOfDay.hash, keyId: 'chain-head-1' });
      const { signature, ...payload } = signed!.head;
      const publicKey = createPublicKey(createPrivateKey(signer.privateKeyPem));
      expect(verify(null, Buffer.from(canonicalJson(payload)), publicKey, Buffer.from(signature, 'base64'))).toBe(true);

      const published = readPublishedHeads(readFileSync(join(publishDir, PUBLISHED_HEADS_FILE), 'utf8'), 'file');
      expect(published).toEqual([signed!.head]);
      const row = await db.selectFrom('audit_events').selectAll().where('event', '=', 'chain_head_signed').executeTakeFirstOrThrow();
      expect(row.seq).toBe(lastOfDay.seq + 1);
      expect(JSON.parse(row.detail_json!)).toMatchObject({ seq: lastOfDay.seq, day: '2026-11-24', keyId: 'chain-head-1' });

      // The same day again (another tick, another center process): already signed, nothing written.
      const again = await signChainHead(con.center.database, signer, { mode: 'daily', publishDir }, at('2026-11-25T09:00:00+09:00'));
      expect(again).toMatchObject({ created: false, head: signed!.head });
      expect(await storedHeads(db)).toHaveLength(1);
      expect(readFileSync(join(publishDir, PUBLISHED_HEADS_FILE), 'utf8').trim().split('\n')).toHaveLength(1);
      expect((await verifyAuditChain(db, { publishedHeads: published, headPublicKey: publicKey })).ok).toBe(true);
    });

    it('shows the heads in the console with their signature and key id; the CLI exports them and signs the newest row', async () => {
      const res = await operator.call('chainHeads', { query: {} });
      expect(res.status).toBe(200);
      const list = res.body as { heads: { seq: number; signature: string; keyId: string; day: string }[] };
      expect(list.heads).toHaveLength(1);
      expect(list.heads[0]).toMatchObject({ day: '2026-11-24', keyId: 'chain-head-1' });
      expect(list.heads[0]!.signature.length).toBeGreaterThan(40);

      const out = join(state, 'export.jsonl');
      const exported = await inProcess([
        '--state',
        state,
        '--database',
        urlOf(databases.configOf(con.center.database)),
        'head',
        'export',
        '--out',
        out,
      ]);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(/^signed head \d+:[0-9a-f]{64}; 2 head\(s\) written/);
      const heads = readPublishedHeads(readFileSync(out, 'utf8'), out);
      expect(heads.map((h) => h.seq)).toEqual((await storedHeads(con.center.database.db)).map((h) => h.seq));
      const verified = await inProcess([
        '--state',
        state,
        '--database',
        urlOf(databases.configOf(con.center.database)),
        'verify',
        '--heads',
        out,
      ]);
      expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining('2 published head(s) checked') });
    });

    it('catches a chain rewritten whole: the chain alone verifies, the published head it no longer matches is named', async () => {
      const db = con.center.database.db;
      const heads = await storedHeads(db);
      const first = heads[0]!;
      await rewriteWholeChain(con.center.database, 2);

      // Consistent rewrite: without the heads nothing is wrong (which is why heads are published).
      expect((await verifyAuditChain(db)).ok).toBe(true);
      const result = await verifyAuditChain(db, { publishedHeads: heads });
      expect(result.ok).toBe(false);
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          kind: 'published_head_mismatch',
          seq: first.seq,
          message: expect.stringContaining(`published head of ${first.day} (seq ${first.seq}`),
        }),
      );

      const file = join(state, 'export.jsonl');
      const cli = await inProcess([
        '--state',
        state,
        '--database',
        urlOf(databases.configOf(con.center.database)),
        'verify',
        '--heads',
        file,
      ]);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`PROBLEM published_head_mismatch at seq ${first.seq}: published head of ${first.day}`);

      let page = await operator.call('verifyChain', {});
      // A walk longer than the page's wait answers its progress; the page asks again about that run.
      while (page.status === 200 && (page.body as { running: { startedAt: string } | null }).running)
        page = await operator.call('verifyChain', {
          query: { startedAfter: (page.body as { running: { startedAt: string } }).running.startedAt },
        });
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ running: null, last: { ok: false, headsChecked: heads.length, firstBrokenSeq: null } });
      expect((page.body as { last: { problems: { kind: string; seq: number }[] } }).last.problems).toContainEqual(
        expect.objectContaining({ kind: 'published_head_mismatch', seq: first.seq }),
      );
    });
  });
});
