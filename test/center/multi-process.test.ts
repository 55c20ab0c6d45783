/**
 * docs/misissuance.md#r7 and docs/misissuance.md#r8 (docs/misissuance.md#takamatsu: a multi-server
 * site ran single-server code): the real multi-node topology. Three center processes share one PostgreSQL database: three
 * `apps/center/src/server.ts` processes started as a deployment would start them (this test's own center only prepares
 * the data, enrols the kiosks and checks the audit chain). Each
 * kiosk sends every step of an issuance to a different process (challenge to one, card signature
 * to the next, quote, payment, print result to others), so nothing may live in a process's memory;
 * and many kiosks do so at once. Every document must be its own resident's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resident } from '@madoguchi/shared';
import { verifyAuditChain } from '@madoguchi/center';
import { createHarness } from '../support/databases.js';
import {
  challengeRequest,
  kioskAt,
  newKey,
  ok,
  signedAuthentication,
  startCenter,
  TEST_NOW,
  type CenterHarness,
  type TestCard,
  type TestKiosk,
} from './support/center-harness.js';
import { firstEligibleResidents } from './support/eligible-residents.js';
import { checkDelivered, pdfPageTexts } from './support/kiosk-checks.js';

const KIOSKS = 4;
const ROUNDS = 2;
const plainName = /^[\u3041-\u30ff\u4e00-\u9fff]+$/;

function startServerProcess(env: Record<string, string>): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/center/src/server.ts', '--host', '127.0.0.1', '--port', '0'], {
    cwd: join(__dirname, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('center process did not start in 90 s')), 90_000);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`center process exited with ${code}: ${stderr.slice(-500)}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (https:\/\/[^/\s]+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1]! });
      }
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

describe('three center processes on one PostgreSQL database', () => {
  const harness = createHarness('postgres');
  let center: CenterHarness;
  const processes: ChildProcess[] = [];
  let nodeUrls: string[];
  let kiosks: TestKiosk[];
  let residents: Resident[];
  let cards: TestCard[];
  let bindingKeyPem: string;

  beforeAll(async () => {
    const database = await harness.fresh();
    center = await startCenter(database, { build: { sweeper: false } });
    const config = harness.configOf(database);
    if (config.kind !== 'postgres') throw new Error('postgres only');
    const env = {
      MADOGUCHI_CENTER_STATE: center.state.dir,
      MADOGUCHI_DATABASE_URL: config.connectionString,
      MADOGUCHI_CARD_TRUST_ANCHORS: center.pki.paths.trustedCasPem,
      MADOGUCHI_CARD_CRLS: center.pki.paths.crlsPem,
      MADOGUCHI_CLOCK: TEST_NOW.toISOString(),
      MADOGUCHI_LOG_LEVEL: 'warn',
      MADOGUCHI_RENDER_WORKERS: '1',
    };
    // Three processes started together, and not this test's own center among them: a process's clock runs on from
    // MADOGUCHI_CLOCK at its start while the harness's stays at TEST_NOW, so at load 15–20 (a 4-minute setup) a
    // challenge the harness issued was already expired at a process (AUTH_CHALLENGE_EXPIRED, CI of c3ae2a4).
    const started = await Promise.all([startServerProcess(env), startServerProcess(env), startServerProcess(env)]);
    processes.push(...started.map((s) => s.child));
    nodeUrls = started.map((s) => s.baseUrl);
    kiosks = await Promise.all(Array.from({ length: KIOSKS }, () => center.enrollKiosk()));

    // Residents with a plain-kanji name, one per household, whose 住民票 the center will issue.
    residents = await firstEligibleResidents(database, center.demo.batch.residents, KIOSKS * ROUNDS, {
      accept: (r, chosen) => plainName.test(r.name.family + r.name.given) && !chosen.some((c) => c.householdId === r.householdId),
    });
    cards = await Promise.all(residents.map((r) => center.issueCard(r.residentId)));
    bindingKeyPem = await center.bindingKeyPem(kiosks[0]!);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => stopProcess(p)));
    await center?.close();
    await harness.dispose();
  });

  it('any process serves any step, and every kiosk gets only its own resident’s document', async () => {
    const delivered: { residentIndex: number; pdf: Buffer; issueNumber: string }[] = [];
    const clientsFor = (kiosk: TestKiosk) => nodeUrls.map((url) => kioskAt(kiosk, url, center.caPem));
    const runKiosk = async (k: number) => {
      const nodes = clientsFor(kiosks[k]!);
      let step = k;
      const next = () => nodes[step++ % nodes.length]!;
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const index = round * KIOSKS + k;
          const card = cards[index]!;
          const challenge = ok(await next().call('challenge', { body: challengeRequest() }));
          const session = ok(await next().call('authenticate', { body: signedAuthentication(challenge, card) }));
          const q = ok(await center.quote(next(), session.sessionId));
          const paymentKey = newKey();
          const d = ok(await center.pay(next(), q, { idempotencyKey: paymentKey }));
          // The kiosk "lost" the answer and retries at another process: the same documents.
          const again = ok(await center.pay(next(), q, { idempotencyKey: paymentKey }));
          expect(again.documents.map((x) => x.binding.documentSha256)).toEqual(d.documents.map((x) => x.binding.documentSha256));
          const { pdf, binding } = checkDelivered(d.documents[0]!, bindingKeyPem, {
            authCertificateSha256: card.sha256,
            issuanceId: q.issuanceId,
          });
          delivered.push({ residentIndex: index, pdf, issueNumber: binding.issueNumber });
          expect(ok(await center.reportPrint(next(), q.issuanceId, { issueNumber: binding.issueNumber })).state).toBe('printed');
        }
      } finally {
        for (const n of nodes) n.close();
      }
    };
    await Promise.all(Array.from({ length: KIOSKS }, (_, k) => runKiosk(k)));

    expect(delivered).toHaveLength(KIOSKS * ROUNDS);
    expect(new Set(delivered.map((d) => d.issueNumber)).size).toBe(delivered.length);
    const names = residents.map((r) => r.name.family + r.name.given);
    for (const doc of delivered) {
      const text = (await pdfPageTexts(doc.pdf)).join('');
      expect(text).toContain(names[doc.residentIndex]);
      for (const [i, other] of names.entries()) if (i !== doc.residentIndex) expect(text).not.toContain(other);
    }
    expect((await verifyAuditChain(center.database.db)).problems).toEqual([]);
  });
});
