import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MadoguchiError, errorCatalog } from '@madoguchi/shared';
import { installErrorHandling } from './error-handler.js';

describe('error handling', () => {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandling(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/crash', async () => {
    throw new Error('database password is hunter2');
  });
  r.get('/internal', async () => {
    throw new MadoguchiError('INTERNAL', 'no CRL loaded for CA 1234');
  });
  r.get('/refused', async () => {
    throw new MadoguchiError('AUTH_CHALLENGE_EXPIRED', 'challenge abc expired');
  });
  r.post('/input', { schema: { body: z.object({ copies: z.number().int().min(1) }) } }, async () => ({ ok: true }));
  afterAll(() => app.close());

  it('hides the cause of an unexpected 5xx behind the catalog INTERNAL body', async () => {
    const res = await app.inject({ method: 'GET', url: '/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: errorCatalog.INTERNAL.ja, messageEn: errorCatalog.INTERNAL.en } });
    expect(res.body).not.toContain('hunter2');
  });

  it('never sends a MadoguchiError’s detail, only its code and catalog messages', async () => {
    const internal = await app.inject({ method: 'GET', url: '/internal' });
    expect(internal.body).not.toContain('CRL');
    const refused = await app.inject({ method: 'GET', url: '/refused' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({
      error: {
        code: 'AUTH_CHALLENGE_EXPIRED',
        message: errorCatalog.AUTH_CHALLENGE_EXPIRED.ja,
        messageEn: errorCatalog.AUTH_CHALLENGE_EXPIRED.en,
      },
    });
  });

  it('answers schema violations with INPUT_INVALID and field-level issues', async () => {
    const res = await app.inject({ method: 'POST', url: '/input', payload: { copies: 0 } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('INPUT_INVALID');
    expect(body.error.issues.map((i) => i.path).join()).toContain('copies');
  });
});
