/**
 * Issue 9, item 7: what a kiosk sends may reach the hash-chained history (交付履歴), which is
 * permanent and holds codes and ids only. So every kiosk-supplied field is bounded by the shared
 * schema (catalog codes as an enum, ids and issue numbers by their shape, bounded arrays and
 * integers) and anything else is refused INPUT_INVALID before a single row is written: not the
 * history, not the issuance, not the idempotency key (a refused call leaves the key unused).
 * Over real mutual TLS, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_PATH, kioskPath, type ErrorBody } from '@madoguchi/shared';
import { verifyAuditChain } from '@madoguchi/center';
import { unboundedFields, type JsonSchema } from '@madoguchi/shared/json-schema-bounds';
import { forEachDatabase } from '../support/databases.js';
import { httpsClient, newKey, ok, startCenter, type CenterHarness, type TestCard, type TestKiosk } from './support/center-harness.js';

/** The center's bodyLimit for the kiosk API (apps/center/src/app.ts). */
const BODY_LIMIT = 1024 * 1024;
/** A reason that fills the body up to just under the limit: the body parser lets it through, so the schema must refuse it. */
const JUST_UNDER_LIMIT = 'A'.repeat(BODY_LIMIT - 1024);
/**
 * A 1 MiB reason: with the JSON around it the body is over the limit, so the body parser refuses it
 * first (413, answered as INPUT_INVALID).
 */
const ONE_MIB = 'A'.repeat(BODY_LIMIT);
/** Free text that looks like a note a kiosk might keep — exactly what the history must never hold. */
const FREE_TEXT = '山田太郎さん 090-1234-5678 キャンセル';

forEachDatabase((harness) => {
  describe('kiosk fields that reach the history are bounded', () => {
    let center: CenterHarness;
    let kiosk: TestKiosk;
    let card: TestCard;

    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false } });
      kiosk = await center.enrollKiosk();
      card = await center.issueCard(center.demo.featured.chiyodaResident);
    });
    afterAll(() => center?.close());

    const session = async () => ok(await center.authenticate(kiosk, card)).sessionId;
    const quote = async () => ok(await center.quote(kiosk, await session()));
    const delivered = async () => {
      const q = await quote();
      const d = ok(await center.pay(kiosk, q));
      return { q, issueNumber: d.documents[0]!.binding.issueNumber };
    };

    /** Everything a kiosk call could write: the history's head, the issuances and their copies, idempotency keys, incidents. */
    const snapshot = async () => {
      const db = center.database.db;
      const [head, auditRows, issuances, documents, keys, incidents] = await Promise.all([
        db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst(),
        db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('issuances')
          .select(['issuance_id', 'state', 'failure_code', 'refund_yen', 'updated_at'])
          .orderBy('issuance_id')
          .execute(),
        db
          .selectFrom('issuance_documents')
          .select(['issue_number', 'print_outcome', 'print_reason_code'])
          .orderBy('issue_number')
          .execute(),
        db.selectFrom('idempotency_keys').select(['idempotency_key', 'state']).orderBy('idempotency_key').execute(),
        db
          .selectFrom('incidents')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { head, audit: Number(auditRows.n), issuances, documents, keys, incidents: Number(incidents.n) };
    };

    /** The call is refused 400 INPUT_INVALID and leaves every table as it was. */
    const expectRefusedWithoutWriting = async (call: () => Promise<{ status: number; body: unknown }>, path?: string) => {
      const before = await snapshot();
      const res = await call();
      expect(res.status).toBe(400);
      const refusal = res.body as ErrorBody;
      expect(refusal.error.code).toBe('INPUT_INVALID');
      if (path) expect(refusal.error.issues?.map((i) => i.path)).toContain(path);
      // The answer names the field, never echoes the value.
      expect(JSON.stringify(res.body)).not.toContain('AAAAAAAAAAAAAAAA');
      expect(JSON.stringify(res.body)).not.toContain('山田太郎');
      expect(await snapshot()).toEqual(before);
    };

    // Raw requests: most of these bodies are what the schema must refuse, so they cannot be typed by it.
    const cancel = (issuanceId: string, body: Record<string, unknown>) =>
      kiosk.raw('POST', kioskPath('cancel', { issuanceId }), { idempotencyKey: newKey(), ...body });
    const printResult = (issuanceId: string, body: Record<string, unknown>) =>
      kiosk.raw('POST', kioskPath('printResult', { issuanceId }), { idempotencyKey: newKey(), ...body });

    it('refuses a cancel reason that is no catalog code (free text, made-up code, near the body limit); writes nothing', async () => {
      const q = await quote();
      await expectRefusedWithoutWriting(() => cancel(q.issuanceId, { reasonCode: FREE_TEXT }), 'body/reasonCode');
      await expectRefusedWithoutWriting(() => cancel(q.issuanceId, { reasonCode: 'CUSTOMER_CHANGED_MIND' }), 'body/reasonCode');
      await expectRefusedWithoutWriting(() => cancel(q.issuanceId, { reasonCode: JUST_UNDER_LIMIT }), 'body/reasonCode');
      const row = await center.database.db
        .selectFrom('issuances')
        .select('state')
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('quoted');
    });

    it('refuses a cancel with a 1 MiB reason (413 from the body parser, answered 400 INPUT_INVALID) and writes nothing', async () => {
      const q = await quote();
      await expectRefusedWithoutWriting(() => cancel(q.issuanceId, { reasonCode: ONE_MIB }));
    });

    it('refuses a print result whose reason is not a catalog code, or whose issue number is not one, and writes nothing', async () => {
      const { q, issueNumber } = await delivered();
      await expectRefusedWithoutWriting(
        () => printResult(q.issuanceId, { issueNumber, outcome: 'failed', reasonCode: FREE_TEXT }),
        'body/reasonCode',
      );
      await expectRefusedWithoutWriting(
        () => printResult(q.issuanceId, { issueNumber, outcome: 'rejected', reasonCode: JUST_UNDER_LIMIT }),
        'body/reasonCode',
      );
      await expectRefusedWithoutWriting(
        () => printResult(q.issuanceId, { issueNumber: JUST_UNDER_LIMIT, outcome: 'failed' }),
        'body/issueNumber',
      );
      await expectRefusedWithoutWriting(
        () => printResult(q.issuanceId, { issueNumber: `${issueNumber}\n${FREE_TEXT}`, outcome: 'failed' }),
        'body/issueNumber',
      );
      await expectRefusedWithoutWriting(() => printResult(q.issuanceId, { issueNumber, outcome: 'failed', reasonCode: ONE_MIB }));
      const row = await center.database.db
        .selectFrom('issuances')
        .select('state')
        .where('issuance_id', '=', q.issuanceId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('delivered');
    });

    it('refuses quote options that could carry free text into history (unknown id shapes, unbounded lists); writes nothing', async () => {
      const sessionId = await session();
      const quoteWith = (options: unknown) => () =>
        kiosk.raw('POST', kioskPath('quote'), {
          idempotencyKey: newKey(),
          sessionId,
          certificateType: 'residenceRecord',
          options,
          copies: 1,
        });
      // A residence record ignores the 戸籍 part of the options, yet the whole object is recorded.
      await expectRefusedWithoutWriting(quoteWith({ familyRegister: { registerId: FREE_TEXT } }), 'body/options/familyRegister/registerId');
      await expectRefusedWithoutWriting(
        quoteWith({ familyRegister: { personId: JUST_UNDER_LIMIT } }),
        'body/options/familyRegister/personId',
      );
      await expectRefusedWithoutWriting(
        quoteWith({ residenceRecord: { scope: 'selected', memberIds: [FREE_TEXT] } }),
        'body/options/residenceRecord/memberIds/0',
      );
      await expectRefusedWithoutWriting(
        quoteWith({ residenceRecord: { scope: 'selected', memberIds: Array.from({ length: 10_000 }, (_, i) => `131016-${i}`) } }),
        'body/options/residenceRecord/memberIds',
      );
      await expectRefusedWithoutWriting(quoteWith({ tax: { kind: 'income', taxYear: 123_456_789 } }), 'body/options/tax/taxYear');
    });

    it('refuses a card certificate or signature of no plausible size before looking at it', async () => {
      const challenge = ok(await kiosk.call('challenge', { body: { idempotencyKey: newKey() } }));
      const body = {
        idempotencyKey: newKey(),
        challengeId: challenge.challengeId,
        authCertificate: JUST_UNDER_LIMIT,
        signature: 'AAAA',
        tokenType: 'card' as const,
      };
      await expectRefusedWithoutWriting(() => kiosk.call('authenticate', { body }), 'body/authCertificate');
      await expectRefusedWithoutWriting(
        () => kiosk.call('authenticate', { body: { ...body, authCertificate: 'AAAA', signature: JUST_UNDER_LIMIT } }),
        'body/signature',
      );
    });

    it('accepts a catalog code and records it: a cancelled quote’s reason, a failed copy’s reason', async () => {
      const q = await quote();
      expect(ok(await center.cancel(kiosk, q.issuanceId, { reasonCode: 'ISSUANCE_CENTER_UNREACHABLE' }))).toMatchObject({
        state: 'voided',
      });
      const voided = await center.database.db
        .selectFrom('audit_events')
        .select('detail_json')
        .where('issuance_id', '=', q.issuanceId)
        .where('event', '=', 'voided')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(voided.detail_json!)).toEqual({ reasonCode: 'ISSUANCE_CENTER_UNREACHABLE' });

      const { q: paid, issueNumber } = await delivered();
      expect(
        ok(await center.reportPrint(kiosk, paid.issuanceId, { issueNumber, outcome: 'failed', reasonCode: 'CARD_REMOVED' })),
      ).toMatchObject({ state: 'refunded' });
      const printFailed = await center.database.db
        .selectFrom('audit_events')
        .select(['detail_json', 'issue_numbers_json'])
        .where('issuance_id', '=', paid.issuanceId)
        .where('event', '=', 'print_failed')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(printFailed.detail_json!)).toEqual({ outcome: 'failed', failureCode: 'CARD_REMOVED' });
      expect(JSON.parse(printFailed.issue_numbers_json!)).toEqual([issueNumber]);
      const doc = await center.database.db
        .selectFrom('issuance_documents')
        .select('print_reason_code')
        .where('issue_number', '=', issueNumber)
        .executeTakeFirstOrThrow();
      expect(doc.print_reason_code).toBe('CARD_REMOVED');
    });

    it('serves no kiosk route whose body or path takes an unbounded value (routes with their own schema too)', async () => {
      type Operation = {
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        parameters?: { name: string; in: string; schema: JsonSchema }[];
      };
      const client = httpsClient(center.baseUrl, center.caPem);
      const document = await client.request<{ paths: Record<string, Record<string, Operation>> }>('GET', OPENAPI_PATH);
      client.close();
      expect(document.status).toBe(200);
      const inputs = Object.entries(document.body.paths).flatMap(([path, operations]) =>
        Object.entries(operations).flatMap(([method, op]) => [
          ...Object.entries(op.requestBody?.content ?? {}).map(
            ([type, body]) => [`${method} ${path} body (${type})`, body.schema] as const,
          ),
          ...(op.parameters ?? []).map((p) => [`${method} ${path} ${p.in} ${p.name}`, p.schema] as const),
        ]),
      );
      // Every mutating route has a body, and the issuance routes a path id: the walk is not vacuous.
      expect(inputs.filter(([where]) => where.includes('body')).length).toBe(8);
      expect(inputs.filter(([where]) => where.endsWith('path issuanceId')).length).toBe(3);
      expect(inputs.flatMap(([where, schema]) => unboundedFields(schema, where))).toEqual([]);
    });

    it('leaves an intact history whose every kiosk-supplied text is a catalog code', async () => {
      const verification = await verifyAuditChain(center.database.db);
      expect(verification.problems).toEqual([]);
      const rows = await center.database.db.selectFrom('audit_events').select(['detail_json', 'options_json']).execute();
      const text = rows.map((r) => `${r.detail_json ?? ''}${r.options_json ?? ''}`).join('');
      expect(text).not.toContain('山田太郎');
      expect(text).not.toContain('CUSTOMER_CHANGED_MIND');
      expect(text).not.toContain('AAAAAAAAAAAAAAAA');
    });
  });
});
