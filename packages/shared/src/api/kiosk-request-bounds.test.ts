/**
 * Every field a kiosk sends is bounded (issue 9, item 7): the center validates requests with these
 * schemas, and some fields end in the permanent history. The walk reads each *Request / *Params
 * schema through zod's JSON Schema export, so a field added later without a bound fails here
 * (test/center/audit-fields.test.ts holds the center's routes to the same rule).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssueNumber, pageIssueNumber } from '../domain/certificate-data.js';
import { errorCodes } from '../errors.js';
import { unboundedFields, type JsonSchema } from './json-schema-bounds.js';
import * as api from './kiosk-center.js';

const requestSchemas = Object.entries(api as Record<string, unknown>).filter(
  (entry): entry is [string, z.ZodType] => /(Request|Params)$/.test(entry[0]) && entry[1] instanceof z.ZodType,
);
const jsonOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;

describe('kiosk request bounds', () => {
  it('finds every request schema of the kiosk API', () => {
    expect(requestSchemas.map(([name]) => name).sort()).toEqual(
      [
        'AuthenticateRequest',
        'CancelRequest',
        'ChallengeRequest',
        'DomicileRegistrationRequest',
        'HeartbeatRequest',
        'IssuanceParams',
        'PaymentRequest',
        'PrintResultRequest',
        'QuoteRequest',
      ].sort(),
    );
  });

  it.each(requestSchemas)('%s accepts no unbounded string, array or number', (_name, schema) => {
    expect(unboundedFields(jsonOf(schema))).toEqual([]);
  });

  it('the walk itself finds what it must refuse', () => {
    const loose = z.object({
      note: z.string(),
      ids: z.array(z.string().max(8)),
      amount: z.number(),
      year: z.number().int().min(1),
      anything: z.unknown(),
      tags: z.record(z.string().max(4), z.string().max(4)),
      nested: z.object({ text: z.string().regex(/^a+$/) }).optional(),
      either: z.union([z.string().max(3), z.string()]),
    });
    expect(unboundedFields(jsonOf(loose))).toEqual([
      '$.note: a string without a maximum length',
      '$.ids: an array without a maximum',
      '$.amount: a number that is not an integer',
      '$.anything: a value of any type',
      '$.tags: an object with free keys',
      '$.nested.text: a string without a maximum length',
      '$.either.anyOf[1]: a string without a maximum length',
    ]);
    // (year: zod bounds every int to the safe-integer range, so a one-sided bound still has two.)
  });

  it('takes a reason only from the error catalog, for a cancel and a print result', () => {
    const key = '6f1b7c52-3a43-4c0e-9d4b-2a8f61a1f0b1';
    for (const code of errorCodes) expect(api.CancelRequest.safeParse({ idempotencyKey: key, reasonCode: code }).success).toBe(true);
    for (const reasonCode of ['', 'CANCELLED', 'internal', 'ISSUANCE_PRINT_FAILED ', '山田太郎', 'A'.repeat(1024 * 1024)]) {
      expect(api.CancelRequest.safeParse({ idempotencyKey: key, reasonCode }).success).toBe(false);
      expect(
        api.PrintResultRequest.safeParse({
          idempotencyKey: key,
          issueNumber: '20261124 千代田区 T0001 P01 000001',
          outcome: 'failed',
          reasonCode,
        }).success,
      ).toBe(false);
    }
  });

  it('takes an issue number in the shape the center writes, and nothing else', () => {
    const written = formatIssueNumber({
      date: '20261124',
      municipalityName: '千代田区',
      terminalId: 'T-0001.a_b',
      printerId: 'P01',
      sequence: '000123',
    });
    expect(api.IssueNumber.safeParse(written).success).toBe(true);
    expect(
      api.IssueNumber.safeParse(
        formatIssueNumber({
          date: '20261124',
          municipalityName: 'さいたま市',
          terminalId: 'x'.repeat(40),
          printerId: 'y'.repeat(40),
          sequence: '1234567890',
        }),
      ).success,
    ).toBe(true);
    for (const bad of [
      '',
      pageIssueNumber(written, 1, 2), // a page's number is not a copy's
      `${written}\n山田太郎`,
      written.replace('千代田区', '千代田区 山田太郎'),
      written.replace('000123', '123'),
      `${'x'.repeat(200)}`,
    ]) {
      expect(api.IssueNumber.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('bounds the quote options the history records, including the parts a certificate type ignores', () => {
    const quote = (options: unknown) =>
      api.QuoteRequest.safeParse({
        idempotencyKey: '6f1b7c52-3a43-4c0e-9d4b-2a8f61a1f0b1',
        sessionId: '6f1b7c52-3a43-4c0e-9d4b-2a8f61a1f0b2',
        certificateType: 'residenceRecord',
        options,
        copies: 1,
      });
    expect(
      quote({
        residenceRecord: { scope: 'selected', memberIds: ['131016-000001'] },
        tax: { kind: 'income', taxYear: 2026 },
        familyRegister: { registerId: 'R131016-000001', personId: 'R131016-000001-P1' },
      }).success,
    ).toBe(true);
    expect(quote({ familyRegister: { registerId: '山田 太郎' } }).success).toBe(false);
    expect(quote({ familyRegister: { personId: 'x'.repeat(65) } }).success).toBe(false);
    expect(quote({ residenceRecord: { memberIds: Array.from({ length: api.MAX_SELECTED_MEMBERS + 1 }, (_, i) => `M${i}`) } }).success).toBe(
      false,
    );
    expect(quote({ tax: { kind: 'income', taxYear: 20260 } }).success).toBe(false);
    // A field the schema does not know is dropped, not carried into the history.
    const parsed = quote({ note: '山田太郎', residenceRecord: { remark: '山田太郎' } });
    expect(parsed.success).toBe(true);
    expect(JSON.stringify(parsed.data)).not.toContain('山田太郎');
  });
});
