/**
 * Acceptance 6 over real mutual TLS with the real renderer: quote → pay → deliver (documents with
 * signed bindings) → print results, idempotent retries, refunds, timeouts, the sweeper, and the
 * audit chain recording it all.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuoteResponse } from '@madoguchi/shared';
import { verifyAuditChain, canonicalJson, listIncidents, sweep } from '@madoguchi/center';
import { forEachDatabase } from '../support/databases.js';
import { createPolicyStore } from '@madoguchi/center/policy';
import {
  newKey,
  ok,
  refusalOf,
  startCenter,
  TEST_NOW,
  type CenterHarness,
  type TestCard,
  type TestKiosk,
} from './support/center-harness.js';
import { checkDelivered, pdfPageTexts } from './support/kiosk-checks.js';

forEachDatabase((harness) => {
  describe('issuance', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let card: TestCard;
    let bindingKeyPem: string;
    let residentName: string;

    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      kiosk = await center.enrollKiosk();
      const residentId = center.demo.featured.chiyodaResident;
      card = await center.issueCard(residentId);
      const resident = center.demo.batch.residents.find((r) => r.residentId === residentId)!;
      residentName = `${resident.name.family}${resident.name.given}`;
      bindingKeyPem = await center.bindingKeyPem(kiosk);
    });
    afterAll(() => center?.close());

    const session = async () => ok(await center.authenticate(kiosk, card)).sessionId;
    const quote = (sessionId: string, copies = 1, idempotencyKey = newKey()) => center.quote(kiosk, sessionId, { copies, idempotencyKey });
    const pay = (q: QuoteResponse, idempotencyKey = newKey(), paidYen: number = q.totalYen) =>
      center.pay(kiosk, q, { idempotencyKey, paidYen });
    const printResult = (issuanceId: string, issueNumber: string, outcome: 'printed' | 'failed' | 'rejected', idempotencyKey = newKey()) =>
      center.reportPrint(kiosk, issuanceId, { issueNumber, outcome, idempotencyKey });

    it('quotes, takes payment, delivers bound documents with the resident’s own record, and ends printed', async () => {
      const q = ok(await quote(await session(), 2));
      expect(q).toMatchObject({ state: 'quoted', copies: 2 });
      expect(q.feeYen).toBeGreaterThan(0);
      expect(q.totalYen).toBe(q.feeYen * 2);
      const d = ok(await pay(q));
      expect(d.state).toBe('delivered');
      expect(d.documents).toHaveLength(2);
      const numbers = new Set<string>();
      for (const doc of d.documents) {
        const { pdf, binding } = checkDelivered(doc, bindingKeyPem, { authCertificateSha256: card.sha256, issuanceId: q.issuanceId });
        numbers.add(binding.issueNumber);
        const pages = await pdfPageTexts(pdf);
        expect(pages.join('')).toContain(residentName);
        pages.forEach((text, i) => expect(text).toContain(`${binding.issueNumber}${i + 1}/${binding.pageCount}`.replace(/\s+/g, '')));
      }
      expect(numbers.size).toBe(2);
      const [first, second] = d.documents.map((doc) => doc.binding.issueNumber);
      expect(ok(await printResult(q.issuanceId, first!, 'printed'))).toMatchObject({ state: 'delivered', refundYen: 0 });
      expect(ok(await printResult(q.issuanceId, second!, 'printed'))).toMatchObject({ state: 'printed', refundYen: 0 });
      // Bytes are gone once printed.
      const left = await center.database.db
        .selectFrom('issuance_documents')
        .select('pdf_base64')
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(left.every((r) => r.pdf_base64 === null)).toBe(true);
    });

    it('two copies reported printed at the same moment end the issuance printed (the history’s lock serialises them)', async () => {
      for (let round = 0; round < 3; round++) {
        const q = ok(await quote(await session(), 2));
        const d = ok(await pay(q));
        const [first, second] = d.documents.map((doc) => doc.binding.issueNumber);
        const answers = await Promise.all([printResult(q.issuanceId, first!, 'printed'), printResult(q.issuanceId, second!, 'printed')]);
        expect(answers.map((a) => a.status)).toEqual([200, 200]);
        expect(answers.map((a) => ok(a).state).sort()).toEqual(['delivered', 'printed']);
        const row = await center.database.db
          .selectFrom('issuances')
          .select('state')
          .where('issuance_id', '=', q.issuanceId)
          .executeTakeFirstOrThrow();
        expect(row.state).toBe('printed');
      }
    });

    it('answers a retried quote with the first result, and a reused key with another body with ISSUANCE_IDEMPOTENCY_CONFLICT', async () => {
      const sessionId = await session();
      const key = newKey();
      const a = ok(await quote(sessionId, 1, key));
      const b = ok(await quote(sessionId, 1, key));
      expect(b.issuanceId).toBe(a.issuanceId);
      expect(refusalOf(await quote(sessionId, 2, key))).toEqual({ status: 409, code: 'ISSUANCE_IDEMPOTENCY_CONFLICT' });
      const rows = await center.database.db.selectFrom('issuances').select('issuance_id').where('session_id', '=', sessionId).execute();
      expect(rows).toHaveLength(1);
    });

    it('answers a retried payment with the same documents, never a second issuance, and tells the operator', async () => {
      const q = ok(await quote(await session()));
      const key = newKey();
      const first = ok(await pay(q, key));
      const retry = ok(await pay(q, key));
      expect(retry.documents.map((d) => d.binding.documentSha256)).toEqual(first.documents.map((d) => d.binding.documentSha256));
      expect(retry.documents.map((d) => d.binding.issueNumber)).toEqual(first.documents.map((d) => d.binding.issueNumber));
      const docs = await center.database.db
        .selectFrom('issuance_documents')
        .select('issue_number')
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(docs).toHaveLength(1);
      // A second payment under a new key is refused: the issuance is no longer quoted.
      const again = await pay(q);
      expect(refusalOf(again).code).toBe('ISSUANCE_INVALID_STATE');
      const incidents = await listIncidents(center.database.db);
      expect(incidents.some((i) => i.kind === 'delivery_replayed' && i.issuanceId === q.issuanceId)).toBe(true);
      // A retried print result is answered the same.
      const printKey = newKey();
      const p1 = ok(await printResult(q.issuanceId, first.documents[0]!.binding.issueNumber, 'printed', printKey));
      const p2 = ok(await printResult(q.issuanceId, first.documents[0]!.binding.issueNumber, 'printed', printKey));
      expect(p2).toEqual(p1);
      expect(p1.state).toBe('printed');
    });

    it('of two payments racing for one issuance under different keys, exactly one delivers', async () => {
      const q = ok(await quote(await session()));
      const results = await Promise.all([pay(q), pay(q)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(refusalOf(loser).code).toBe('ISSUANCE_INVALID_STATE');
      const docs = await center.database.db
        .selectFrom('issuance_documents')
        .select('issue_number')
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(docs).toHaveLength(1);
    });

    it('two identical payment calls at the same moment (same key) get the same documents, issued once', async () => {
      const q = ok(await quote(await session()));
      const key = newKey();
      const results = await Promise.all([pay(q, key), pay(q, key)]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(ok(results[0]!).documents.map((d) => d.binding.documentSha256)).toEqual(
        ok(results[1]!).documents.map((d) => d.binding.documentSha256),
      );
      const docs = await center.database.db
        .selectFrom('issuance_documents')
        .select('issue_number')
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(docs).toHaveLength(1);
    });

    it('refuses a payment that does not match the fee (ISSUANCE_PAYMENT_MISMATCH) and stays quoted', async () => {
      const q = ok(await quote(await session()));
      const res = await pay(q, newKey(), q.totalYen + 100);
      expect(res.status).toBe(400);
      expect(refusalOf(res).code).toBe('ISSUANCE_PAYMENT_MISMATCH');
      const row = await center.database.db
        .selectFrom('issuances')
        .select('state')
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('quoted');
    });

    it('refunds the copies not printed when the kiosk reports a failure, and records an incident', async () => {
      const q = ok(await quote(await session(), 2));
      const d = ok(await pay(q));
      const [first, second] = d.documents.map((doc) => doc.binding.issueNumber);
      await printResult(q.issuanceId, first!, 'printed');
      const res = await printResult(q.issuanceId, second!, 'failed');
      expect(ok(res)).toMatchObject({ state: 'refunded', refundYen: q.feeYen });
      expect((await listIncidents(center.database.db)).some((i) => i.kind === 'print_failed' && i.issuanceId === q.issuanceId)).toBe(true);
    });

    it('refunds everything when the kiosk’s binding check rejects a document', async () => {
      const q = ok(await quote(await session()));
      const d = ok(await pay(q));
      const res = await printResult(q.issuanceId, d.documents[0]!.binding.issueNumber, 'rejected');
      expect(ok(res)).toMatchObject({ state: 'refunded', refundYen: q.totalYen });
      expect((await listIncidents(center.database.db)).some((i) => i.kind === 'document_rejected' && i.issuanceId === q.issuanceId)).toBe(
        true,
      );
    });

    it('voids a cancelled quote, and refuses to pay it afterwards', async () => {
      const q = ok(await quote(await session()));
      expect(ok(await center.cancel(kiosk, q.issuanceId))).toMatchObject({ state: 'voided', refundYen: 0 });
      expect(refusalOf(await pay(q)).code).toBe('ISSUANCE_INVALID_STATE');
    });

    it('refuses a session that expired or belongs to another kiosk (AUTH_SESSION_EXPIRED)', async () => {
      const sessionId = await session();
      const other = await center.enrollKiosk();
      const stolen = await center.quote(other, sessionId);
      expect(refusalOf(stolen).code).toBe('AUTH_SESSION_EXPIRED');
      center.clock.advance(center.config.timeouts.sessionTtlMs + 1);
      try {
        const late = await quote(sessionId);
        expect(late.status).toBe(401);
        expect(refusalOf(late).code).toBe('AUTH_SESSION_EXPIRED');
      } finally {
        center.clock.advance(-(center.config.timeouts.sessionTtlMs + 1));
      }
    });

    it('never shows one kiosk another kiosk’s issuance (ISSUANCE_NOT_FOUND)', async () => {
      const other = await center.enrollKiosk();
      const q = ok(await quote(await session()));
      const res = await center.pay(other, q);
      expect(refusalOf(res).code).toBe('ISSUANCE_NOT_FOUND');
    });

    it('refunds a paid issuance whose print result never came (sweeper), and the operator sees it', async () => {
      const q = ok(await quote(await session()));
      expect((await pay(q)).status).toBe(200);
      const t = center.config.timeouts;
      const policy = {
        printResultTtlMs: t.printResultTtlMs,
        documentTtlMs: t.documentTtlMs,
        quoteTtlMs: t.quoteTtlMs,
        idempotencyTtlMs: 86_400_000,
      };
      expect(t.documentTtlMs).toBeLessThan(t.printResultTtlMs);
      // First the document bytes outlive their TTL and are deleted; the issuance still awaits its result.
      const bytesGone = await sweep(center.database, policy, new Date(center.clock.now().getTime() + t.documentTtlMs + 1000));
      expect(bytesGone.documentsDeleted).toBeGreaterThanOrEqual(1);
      expect(bytesGone.refunded).not.toContain(q.issuanceId);
      const pending = await center.database.db
        .selectFrom('issuance_documents')
        .select('pdf_base64')
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(pending.every((d) => d.pdf_base64 === null)).toBe(true);
      // Then no print result within its TTL: refunded.
      const later = new Date(center.clock.now().getTime() + t.printResultTtlMs + 1000);
      const report = await sweep(center.database, policy, later);
      expect(report.refunded).toContain(q.issuanceId);
      const row = await center.database.db
        .selectFrom('issuances')
        .select(['state', 'refund_yen'])
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'refunded', refund_yen: q.totalYen });
      const docs = await center.database.db
        .selectFrom('issuance_documents')
        .select(['pdf_base64', 'print_outcome'])
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(docs.every((d) => d.pdf_base64 === null && d.print_outcome === 'unprinted')).toBe(true);
      expect(
        (await listIncidents(center.database.db)).some((i) => i.kind === 'print_result_missing' && i.issuanceId === q.issuanceId),
      ).toBe(true);
    });

    it('after a crash between payment and delivery, a retry never issues and the sweeper refunds', async () => {
      const q = ok(await quote(await session()));
      const key = newKey();
      // What a center process that died right after recording the payment, a minute ago, left behind.
      await center.database.db
        .updateTable('issuances')
        .set({ state: 'paid', paid_yen: q.totalYen })
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      const requestSha256 = createHash('sha256')
        .update(canonicalJson({ operation: 'payment', request: { issuanceId: q.issuanceId, paidYen: q.totalYen } }))
        .digest('hex');
      await center.database.db
        .insertInto('idempotency_keys')
        .values({
          terminal_id: kiosk.terminalId,
          idempotency_key: key,
          operation: 'payment',
          request_sha256: requestSha256,
          state: 'pending',
          response_status: null,
          response_json: null,
          created_at: new Date(center.clock.now().getTime() - 60_000).toISOString(),
        })
        .execute();
      const crashedRetry = await pay(q, key);
      expect(crashedRetry.status).toBe(409);
      expect(refusalOf(crashedRetry).code).toBe('ISSUANCE_INVALID_STATE');
      const t = center.config.timeouts;
      const report = await sweep(
        center.database,
        { printResultTtlMs: t.printResultTtlMs, documentTtlMs: t.documentTtlMs, quoteTtlMs: t.quoteTtlMs, idempotencyTtlMs: 86_400_000 },
        new Date(center.clock.now().getTime() + t.printResultTtlMs + 1000),
      );
      expect(report.refunded).toContain(q.issuanceId);
      const row = await center.database.db
        .selectFrom('issuances')
        .select(['state', 'refund_yen'])
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'refunded', refund_yen: q.totalYen });
      expect(
        await center.database.db.selectFrom('issuance_documents').select('issue_number').where('issuance_id', '=', q.issuanceId).execute(),
      ).toEqual([]);
    });

    describe('payment rechecks the whole eligibility before taking the money', () => {
      const auditOf = (issuanceId: string) =>
        center.database.db
          .selectFrom('audit_events')
          .select(['event', 'detail_json'])
          .where('issuance_id', '=', issuanceId)
          .orderBy('seq')
          .execute();
      const expectVoidedUnpaid = async (issuanceId: string, code: string) => {
        const row = await center.database.db
          .selectFrom('issuances')
          .select(['state', 'paid_yen', 'failure_code'])
          .where('issuance_id', '=', issuanceId)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ state: 'voided', paid_yen: null, failure_code: code });
        expect(
          await center.database.db.selectFrom('issuance_documents').select('issue_number').where('issuance_id', '=', issuanceId).execute(),
        ).toEqual([]);
        const events = await auditOf(issuanceId);
        expect(events.map((e) => e.event)).toEqual(['quoted', 'voided']);
        expect(JSON.parse(events[1]!.detail_json!)).toEqual({ reasonCode: code, stage: 'payment' });
      };

      it('refuses a quote made at 22:59:50 and paid at 23:00:10 (ELIGIBILITY_OUTSIDE_HOURS), nothing charged', async () => {
        center.clock.set(new Date('2026-11-24T13:59:50Z')); // 22:59:50 in Japan
        try {
          const q = ok(await quote(await session()));
          center.clock.advance(20_000);
          const key = newKey();
          const res = await pay(q, key);
          expect(res.status).toBe(403);
          expect(refusalOf(res).code).toBe('ELIGIBILITY_OUTSIDE_HOURS');
          await expectVoidedUnpaid(q.issuanceId, 'ELIGIBILITY_OUTSIDE_HOURS');
          // A retry of the same call gets the same refusal; a new payment finds the quote void.
          expect(refusalOf(await pay(q, key)).code).toBe('ELIGIBILITY_OUTSIDE_HOURS');
          expect(refusalOf(await pay(q)).code).toBe('ISSUANCE_INVALID_STATE');
        } finally {
          center.clock.set(TEST_NOW);
        }
      });

      it('refuses a payment after an outage or a withdrawn type since the quote (a definitive 403, not a retryable 503)', async () => {
        const policies = createPolicyStore(center.database);
        const code = center.demo.batch.residents.find((r) => r.residentId === center.demo.featured.chiyodaResident)!.municipalityCode;
        const original = (await policies.getPolicy(code))!;
        try {
          const q1 = ok(await quote(await session()));
          const now = center.clock.now().getTime();
          await policies.putPolicy({
            ...original,
            outages: [
              ...original.outages,
              {
                outageId: 'declared-after-quote',
                from: new Date(now - 60_000).toISOString(),
                until: new Date(now + 3_600_000).toISOString(),
                reason: 'system migration',
              },
            ],
          });
          const res = await pay(q1);
          expect(res.status).toBe(403);
          expect(refusalOf(res).code).toBe('ELIGIBILITY_OUTAGE');
          await expectVoidedUnpaid(q1.issuanceId, 'ELIGIBILITY_OUTAGE');

          await policies.putPolicy(original);
          const q2 = ok(await quote(await session()));
          await policies.putPolicy({
            ...original,
            offerings: original.offerings.map((o) => (o.certificateType === 'residenceRecord' ? { ...o, enabled: false } : o)),
          });
          const withdrawn = await pay(q2);
          expect(refusalOf(withdrawn).code).toBe('ELIGIBILITY_TYPE_NOT_OFFERED');
          await expectVoidedUnpaid(q2.issuanceId, 'ELIGIBILITY_TYPE_NOT_OFFERED');
        } finally {
          await policies.putPolicy(original);
        }
        // Back to normal, the same resident pays and gets the document.
        expect((await pay(ok(await quote(await session())))).status).toBe(200);
      });
    });

    it('keeps every state change in an intact audit chain', async () => {
      const result = await verifyAuditChain(center.database.db);
      expect(result.problems).toEqual([]);
      expect(result.rows).toBeGreaterThan(3);
    });
  });

  describe('a delivery that does not match the authenticated session', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    const tamper = new Set<string>();
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), {
        build: { sweeper: false },
        // While the document renders, the session row is overwritten (what the Kawasaki case did
        // to a request's state): the delivery must then be stopped at reconciliation.
        wrapServices: (base) => ({
          ...base,
          render: async (input, opts) => {
            const rendered = await base.render(input, opts);
            if (tamper.has(input.issuanceId)) {
              const { session_id: sessionId } = await center.database.db
                .selectFrom('issuances')
                .select('session_id')
                .where('issuance_id', '=', input.issuanceId)
                .executeTakeFirstOrThrow();
              await center.database.db
                .updateTable('sessions')
                .set({ auth_certificate_sha256: 'f'.repeat(64) })
                .where('session_id', '=', sessionId)
                .execute();
            }
            return rendered;
          },
        }),
      });
      kiosk = await center.enrollKiosk();
    });
    afterAll(() => center?.close());

    it('is not delivered, is refunded at once, and the operator sees the reconciliation_mismatch incident', async () => {
      const card = await center.issueCard(center.demo.featured.chiyodaResident);
      const s = ok(await center.authenticate(kiosk, card));
      const q = ok(await center.quote(kiosk, s.sessionId));
      tamper.add(q.issuanceId);
      const res = await center.pay(kiosk, q);
      expect(res.status).toBe(409);
      expect(refusalOf(res).code).toBe('ISSUANCE_DOCUMENT_MISMATCH');
      const row = await center.database.db
        .selectFrom('issuances')
        .select(['state', 'refund_yen', 'failure_code'])
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'refunded', refund_yen: q.totalYen, failure_code: 'ISSUANCE_DOCUMENT_MISMATCH' });
      const docs = await center.database.db
        .selectFrom('issuance_documents')
        .select(['pdf_base64', 'print_outcome', 'binding_json'])
        .where('issuance_id', '=', q.issuanceId)
        .execute();
      expect(docs).toEqual([{ pdf_base64: null, print_outcome: 'unprinted', binding_json: null }]);
      const incident = (await listIncidents(center.database.db)).find(
        (i) => i.kind === 'reconciliation_mismatch' && i.issuanceId === q.issuanceId,
      );
      expect(incident?.detail).toEqual({ stage: 'delivery', refunded: true });
      const events = await center.database.db
        .selectFrom('audit_events')
        .select('event')
        .where('issuance_id', '=', q.issuanceId)
        .orderBy('seq')
        .execute();
      expect(events.map((e) => e.event)).toEqual(['quoted', 'paid', 'refunded']);
      expect((await verifyAuditChain(center.database.db)).problems).toEqual([]);
    });
  });

  describe('a render that outlives its timeout (docs/misissuance.md#r2)', () => {
    let center: CenterHarness;
    let kiosks: TestKiosk[];
    const slow = new Set<string>();
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), {
        timeouts: { renderTimeoutMs: 5000 },
        renderWorkers: 2,
        build: { sweeper: false },
        // The worker holds the finished document of a "slow" issuance for 10 s before replying.
        wrapServices: (base) => ({
          ...base,
          render: (input, opts) => base.render(input, (slow.has(input.issuanceId) ? { ...opts, delayMs: 10_000 } : opts) as typeof opts),
        }),
      });
      kiosks = [await center.enrollKiosk(), await center.enrollKiosk()];
      // Warm both render workers (fonts loaded) so only the injected delay decides who times out.
      // A cold worker on a loaded 2-core machine can itself exceed the 5 s timeout (504): that first
      // issuance is refunded as designed, and the warm-up tries again with a new one.
      const warmCards = await Promise.all([
        center.issueCard(center.demo.featured.chiyodaResident),
        center.issueCard(center.demo.featured.okutamaResident),
      ]);
      await Promise.all(
        kiosks.map(async (k, i) => {
          let status = 0;
          for (let attempt = 0; attempt < 3 && status !== 200; attempt++) {
            const s = ok(await center.authenticate(k, warmCards[i]!));
            const q = ok(await center.quote(k, s.sessionId));
            status = (await center.pay(k, q)).status;
            expect([200, 504]).toContain(status);
          }
          expect(status).toBe(200);
        }),
      );
    });
    afterAll(() => center?.close());

    it('fails and refunds its own job only; the other kiosk, and the next request, get their own documents', async () => {
      const slowCard = await center.issueCard(center.demo.featured.chiyodaResident);
      const fastCard = await center.issueCard(center.demo.featured.okutamaResident);
      const start = async (k: TestKiosk, c: TestCard) => {
        const s = ok(await center.authenticate(k, c));
        return ok(await center.quote(k, s.sessionId));
      };
      const slowQuote = await start(kiosks[0]!, slowCard);
      const slowSession = (
        await center.database.db
          .selectFrom('issuances')
          .select('session_id')
          .where('issuance_id', '=', slowQuote.issuanceId)
          .executeTakeFirstOrThrow()
      ).session_id;
      const fastQuote = await start(kiosks[1]!, fastCard);
      slow.add(slowQuote.issuanceId);
      const [slowRes, fastRes] = await Promise.all([center.pay(kiosks[0]!, slowQuote), center.pay(kiosks[1]!, fastQuote)]);
      expect(slowRes.status).toBe(504);
      expect(refusalOf(slowRes).code).toBe('ISSUANCE_RENDER_TIMEOUT');
      const key = await center.bindingKeyPem(kiosks[1]!);
      checkDelivered(ok(fastRes).documents[0]!, key, { authCertificateSha256: fastCard.sha256, issuanceId: fastQuote.issuanceId });

      const row = await center.database.db
        .selectFrom('issuances')
        .select(['state', 'refund_yen'])
        .where('issuance_id', '=', slowQuote.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'refunded', refund_yen: slowQuote.totalYen });
      expect(
        (await listIncidents(center.database.db)).some((i) => i.kind === 'render_failed' && i.issuanceId === slowQuote.issuanceId),
      ).toBe(true);

      // The resident retries in the same session and succeeds: the operator is told an error was
      // followed by a successful retry (docs/misissuance.md#r3, docs/misissuance.md#adachi), and
      // the retry is reconciled.
      const retryQuote = ok(await center.quote(kiosks[0]!, slowSession));
      const retry = ok(await center.pay(kiosks[0]!, retryQuote));
      checkDelivered(retry.documents[0]!, key, { authCertificateSha256: slowCard.sha256, issuanceId: retryQuote.issuanceId });
      const followUp = (await listIncidents(center.database.db)).find(
        (i) => i.kind === 'success_after_failure' && i.issuanceId === retryQuote.issuanceId,
      );
      expect(followUp?.detail.failedIssuanceIds).toEqual([slowQuote.issuanceId]);

      // The late document of the timed-out job is never handed to the next customer at that kiosk.
      const nextCard = await center.issueCard(center.demo.featured.okutamaResident);
      const nextQuote = await start(kiosks[0]!, nextCard);
      const next = ok(await center.pay(kiosks[0]!, nextQuote));
      checkDelivered(next.documents[0]!, key, { authCertificateSha256: nextCard.sha256, issuanceId: nextQuote.issuanceId });
    });
  });
});
