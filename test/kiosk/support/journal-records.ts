/**
 * What the journal tests set up and read back around a child kiosk's story: residents who may have
 * two copies of a 住民票 and their cards, the child's run settings for one enrolled kiosk; then the
 * one issuance of a resident at the center (with its printed copies and refunds), and whether a
 * kiosk's journal is settled (nothing unfinished, no print result waiting to be sent).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { checkEligibility } from '@madoguchi/center/eligibility';
import { TransactionJournal } from '@madoguchi/kiosk/journal';
import { TEST_NOW, type CenterHarness, type TestCard } from '../../center/support/center-harness.js';
import type { JournalChildConfig } from './journal-kiosk-child.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const child = resolve(fileURLToPath(new URL('./journal-kiosk-child.ts', import.meta.url)));

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One child kiosk (journal-kiosk-child.ts) run to its end, SIGKILLed right after the journal wrote `crashAt` if given. */
export function runJournalChild(config: JournalChildConfig, crashAt?: string): Promise<ChildExit> {
  const env: NodeJS.ProcessEnv = { ...process.env, MADOGUCHI_JOURNAL_CHILD: JSON.stringify(config) };
  delete env.MADOGUCHI_JOURNAL_CRASH_AT;
  if (crashAt) env.MADOGUCHI_JOURNAL_CRASH_AT = crashAt;
  const proc = spawn(process.execPath, ['--import', 'tsx', child], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((res) => proc.once('exit', (code, signal) => res({ code, signal, stdout, stderr })));
}

/** What every story of a run shares: the center, one enrolled kiosk, two copies, 1,000 yen in. */
export type JournalRun = Omit<JournalChildConfig, 'mode' | 'stateDir' | 'spoolDir' | 'trayDir' | 'card'>;

export async function journalRun(center: CenterHarness): Promise<JournalRun> {
  const kiosk = await center.enrollKiosk();
  return {
    centerUrl: center.baseUrl,
    caPem: center.caPem,
    certPem: kiosk.certPem,
    keyPem: kiosk.keyPem,
    bindingKeyPem: await center.bindingKeyPem(kiosk),
    copies: 2,
    insertYen: 1000,
  };
}

/** Cards of the first `count` demo residents who may have two copies of their 住民票 today. */
export async function cardsOfEligibleResidents(center: CenterHarness, count: number): Promise<TestCard[]> {
  const cards: TestCard[] = [];
  for (const r of center.demo.batch.residents) {
    if (cards.length === count) break;
    const eligibility = await checkEligibility({
      database: center.database,
      residentId: r.residentId,
      certificateType: 'residenceRecord',
      options: {},
      copies: 2,
      now: TEST_NOW,
    });
    if (eligibility.ok) cards.push(await center.issueCard(r.residentId));
  }
  return cards;
}

/** The resident's only issuance (the test fails if there are several): state, fee, copies printed and refunds. */
export async function issuanceOfResident(center: CenterHarness, residentId: string) {
  const db = center.database.db;
  const sessions = await db.selectFrom('sessions').select('session_id').where('resident_id', '=', residentId).execute();
  const [issuance, ...more] = await db
    .selectFrom('issuances')
    .select(['issuance_id', 'state', 'paid_yen', 'copies'])
    .where(
      'session_id',
      'in',
      sessions.map((s) => s.session_id),
    )
    .execute();
  expect(more).toEqual([]);
  const documents = await db
    .selectFrom('issuance_documents')
    .select('print_outcome')
    .where('issuance_id', '=', issuance!.issuance_id)
    .execute();
  const events = await db.selectFrom('audit_events').select('event').where('issuance_id', '=', issuance!.issuance_id).execute();
  return {
    ...issuance!,
    printed: documents.filter((d) => d.print_outcome === 'printed').length,
    refunds: events.filter((e) => e.event === 'refunded').length,
  };
}

export function expectJournalSettled(stateDir: string): void {
  const journal = new TransactionJournal(stateDir);
  try {
    expect({ unfinished: journal.unfinished(), pending: journal.pendingReports() }).toEqual({ unfinished: [], pending: [] });
  } finally {
    journal.close();
  }
}
