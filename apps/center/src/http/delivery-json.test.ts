import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DeliveryResponse, MadoguchiError } from '@madoguchi/shared';
import { installErrorHandling } from './error-handler.js';
import { deliveryJson } from './zod.js';

const ISSUANCE = '6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b';

function delivery(copies: number): DeliveryResponse {
  return {
    issuanceId: ISSUANCE,
    state: 'delivered',
    documents: Array.from({ length: copies }, (_, i) => ({
      binding: {
        issuanceId: ISSUANCE,
        issueNumber: `K0001-00000${i + 1}`,
        copyIndex: i + 1,
        pageCount: 1,
        pageIssueNumbers: [`K0001-00000${i + 1} 1/1`],
        documentSha256: 'a'.repeat(64),
        authCertificateSha256: 'b'.repeat(64),
        certificateType: 'residenceRecord',
        issuedAt: '2026-12-07T03:00:00.000Z',
      },
      // A string may hold anything, the text the bytes are spliced at included: it is escaped inside its quotes.
      bindingJson: `{"pdf":"","copy":${i + 1},"note":"\\\\ \\" 住民票"}`,
      bindingSignature: randomBytes(64).toString('base64'),
      pdf: randomBytes(75_000 + i).toString('base64'),
    })),
  };
}

function refusal(run: () => unknown): MadoguchiError {
  try {
    run();
  } catch (error) {
    if (error instanceof MadoguchiError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('deliveryJson: the delivery answer as JSON bytes', () => {
  it('gives exactly the bytes JSON.stringify gave, for one copy and for three', () => {
    for (const copies of [1, 3]) {
      const answer = delivery(copies);
      const bytes = deliveryJson(answer);
      expect(bytes.equals(Buffer.from(JSON.stringify(answer)))).toBe(true);
      expect(DeliveryResponse.parse(JSON.parse(bytes.toString('utf8')))).toEqual(answer);
    }
  });

  it('still checks every other field against DeliveryResponse', () => {
    const answer = delivery(2);
    answer.documents[1]!.binding.documentSha256 = 'not a digest';
    const error = refusal(() => deliveryJson(answer));
    expect(error.code).toBe('INTERNAL');
    expect(error.detail).toContain('documents.1.binding.documentSha256');
    expect(refusal(() => deliveryJson({ ...delivery(1), issuanceId: 'x' })).code).toBe('INTERNAL');
  });

  it('refuses a pdf that could end or escape its JSON string, or is no string', () => {
    for (const pdf of ['QUJD","binding":{}', 'QUJD\\', undefined]) {
      const answer = delivery(1);
      (answer.documents[0] as { pdf: unknown }).pdf = pdf;
      expect(refusal(() => deliveryJson(answer)).code).toBe('INTERNAL');
    }
  });

  it('refuses an answer with a pdf field anywhere but a copy', () => {
    const answer = delivery(2);
    Object.assign(answer.documents[0]!.binding, { pdf: '' });
    expect(refusal(() => deliveryJson(answer)).detail).toContain('a pdf field where none belongs');
  });

  it('goes out through Fastify as those bytes, typed JSON, with their length', async () => {
    const answer = delivery(1);
    const app = Fastify({ logger: false });
    installErrorHandling(app);
    app.get('/delivery', async (_request, reply) => {
      reply.type('application/json; charset=utf-8');
      return deliveryJson(answer);
    });
    const res = await app.inject({ method: 'GET', url: '/delivery' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(answer)));
    expect(res.rawPayload.equals(Buffer.from(JSON.stringify(answer)))).toBe(true);
  });
});
