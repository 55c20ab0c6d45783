/**
 * Every paid transaction ends printed or refunded: the sweeper refunds paid/delivered issuances
 * whose print result never came within the TTL (a kiosk crashed, a network cut) and records an
 * incident, so an operator sees every such refund. It also voids quotes nobody paid, deletes
 * document bytes that outlived their TTL, and drops dead challenges and old idempotency keys.
 *
 * Safe to run on every center process at once: each change is a compare-and-set.
 */
import { startPeriodicTask } from '../periodic-task.js';
import { MadoguchiError } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { purgeChallenges } from '../auth/challenges.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { raiseSilentKiosks } from '../kiosks/silent-kiosks.js';
import { recordIncident } from './incidents.js';
import { auditBase, kioskOfRow } from './issuance-history.js';
import { refund } from './issuance-service.js';
import { transition } from './state-machine.js';

export interface SweepPolicy {
  /** A paid or delivered issuance with no print result after this long is refunded. */
  printResultTtlMs: number;
  /** Delivered document bytes are deleted after this long even without a print result. */
  documentTtlMs: number;
  /** A quote not paid within this long is voided. */
  quoteTtlMs: number;
  /** Idempotency keys are kept this long. */
  idempotencyTtlMs: number;
}

export interface SweepReport {
  refunded: string[];
  voided: string[];
  documentsDeleted: number;
  challengesPurged: number;
}

function isLostRace(error: unknown): boolean {
  return error instanceof MadoguchiError && error.code === 'ISSUANCE_INVALID_STATE';
}

export async function sweep(database: CenterDatabase, policy: SweepPolicy, now: Date): Promise<SweepReport> {
  const report: SweepReport = { refunded: [], voided: [], documentsDeleted: 0, challengesPurged: 0 };
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString();

  await refundMissingPrintResults(database, at(policy.printResultTtlMs), now, report.refunded);
  await voidUnpaidQuotes(database, at(policy.quoteTtlMs), now, report.voided);
  report.documentsDeleted = await deleteExpiredDocuments(database, at(policy.documentTtlMs), now);
  report.challengesPurged = await purgeChallenges(database, now);
  await raiseSilentKiosks(database, now);
  await database.db.deleteFrom('idempotency_keys').where('created_at', '<', at(policy.idempotencyTtlMs)).execute();
  return report;
}

async function refundMissingPrintResults(database: CenterDatabase, before: string, now: Date, refunded: string[]): Promise<void> {
  const stale = await database.db
    .selectFrom('issuances')
    .select(['issuance_id'])
    .where('state', 'in', ['paid', 'delivered'])
    .where('updated_at', '<', before)
    .execute();
  for (const { issuance_id: issuanceId } of stale) {
    try {
      await writeTransaction(database, async (trx) => {
        const row = await trx.selectFrom('issuances').selectAll().where('issuance_id', '=', issuanceId).executeTakeFirstOrThrow();
        if (row.state !== 'paid' && row.state !== 'delivered') return;
        const kiosk = await kioskOfRow(trx, row.terminal_id);
        const refundYen = await refund({ database }, trx, row, kiosk, row.state, 'ISSUANCE_PRINT_FAILED', now);
        await recordIncident(
          trx,
          {
            kind: 'print_result_missing',
            issuanceId,
            terminalId: row.terminal_id,
            detail: { from: row.state, refundYen, since: row.updated_at },
          },
          now,
        );
        refunded.push(issuanceId);
      });
    } catch (error) {
      if (!isLostRace(error)) throw error;
    }
  }
}

async function voidUnpaidQuotes(database: CenterDatabase, before: string, now: Date, voided: string[]): Promise<void> {
  const unpaid = await database.db
    .selectFrom('issuances')
    .select('issuance_id')
    .where('state', '=', 'quoted')
    .where('updated_at', '<', before)
    .execute();
  for (const { issuance_id: issuanceId } of unpaid) {
    try {
      await writeTransaction(database, async (trx) => {
        const row = await trx.selectFrom('issuances').selectAll().where('issuance_id', '=', issuanceId).executeTakeFirstOrThrow();
        if (row.state !== 'quoted') return;
        await transition(trx, issuanceId, 'quoted', 'voided', now);
        const kiosk = await kioskOfRow(trx, row.terminal_id);
        await appendAudit(trx, database.kind, { event: 'voided', ...auditBase(row, kiosk), detail: { reason: 'quote expired' } }, now);
        voided.push(issuanceId);
      });
    } catch (error) {
      if (!isLostRace(error)) throw error;
    }
  }
}

/** Deletes document bytes past their TTL and returns how many documents lost them. */
async function deleteExpiredDocuments(database: CenterDatabase, before: string, now: Date): Promise<number> {
  let deleted = 0;
  await writeTransaction(database, async (trx) => {
    const expired = await trx
      .selectFrom('issuance_documents as d')
      .innerJoin('issuances as i', 'i.issuance_id', 'd.issuance_id')
      .select(['d.issue_number', 'i.issuance_id'])
      .where('d.pdf_base64', 'is not', null)
      .where('i.updated_at', '<', before)
      .orderBy('i.issuance_id')
      .orderBy('d.copy_index')
      .execute();
    if (expired.length === 0) return;
    const byIssuance = new Map<string, string[]>();
    for (const doc of expired) {
      await trx
        .updateTable('issuance_documents')
        .set({ pdf_base64: null, pdf_deleted_at: now.toISOString() })
        .where('issue_number', '=', doc.issue_number)
        .execute();
      byIssuance.set(doc.issuance_id, [...(byIssuance.get(doc.issuance_id) ?? []), doc.issue_number]);
    }
    // One row per issuance, naming it, its store and terminal, like every other history row.
    for (const [issuanceId, issueNumbers] of byIssuance) {
      const row = await trx.selectFrom('issuances').selectAll().where('issuance_id', '=', issuanceId).executeTakeFirstOrThrow();
      const kiosk = await kioskOfRow(trx, row.terminal_id);
      await appendAudit(
        trx,
        database.kind,
        { event: 'documents_deleted', ...auditBase(row, kiosk), issueNumbers, detail: { reason: 'document TTL', state: row.state } },
        now,
      );
    }
    deleted = expired.length;
  });
  return deleted;
}

/** Runs `sweep` every `intervalMs`; failures are logged and retried on the next tick. */
export function startSweeper(
  database: CenterDatabase,
  policy: SweepPolicy,
  intervalMs: number,
  clock: () => Date,
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
): () => Promise<void> {
  return startPeriodicTask(
    intervalMs,
    async () => {
      const r = await sweep(database, policy, clock());
      if (r.refunded.length || r.voided.length || r.documentsDeleted)
        log.info({ refunded: r.refunded.length, voided: r.voided.length, documentsDeleted: r.documentsDeleted }, 'sweeper');
    },
    (error) => log.warn({ err: error.message }, 'sweeper failed'),
  );
}
