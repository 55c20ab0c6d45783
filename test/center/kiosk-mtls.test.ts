/**
 * Acceptance 1: the kiosk API over HTTPS with mutual TLS, on a real socket on 127.0.0.1. A kiosk
 * enrolled through the CSR → certificate path is served; no certificate, a certificate from another
 * CA, and a revoked kiosk are each refused with their own code.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKioskCa, createKioskKeyAndCsr, signKioskCsr, revokeKiosk } from '@madoguchi/center';
import { API_PREFIX, OPENAPI_PATH, kioskApi, kioskOpenApiPath, kioskPath, type KioskRouteName } from '@madoguchi/shared';
import { forEachDatabase } from '../support/databases.js';
import { challengeRequest, httpsClient, refusalOf, startCenter, type CenterHarness } from './support/center-harness.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123';

forEachDatabase((harness) => {
  describe('kiosk mutual TLS', () => {
    let center: CenterHarness;
    const scratch = mkdtempSync(join(tmpdir(), 'madoguchi-mtls-'));
    beforeAll(async () => {
      center = await startCenter(await harness.fresh(), { build: { sweeper: false }, adminToken: ADMIN_TOKEN });
    });
    afterAll(async () => {
      await center?.close();
      rmSync(scratch, { recursive: true, force: true });
    });

    it('serves an enrolled kiosk', async () => {
      const kiosk = await center.enrollKiosk();
      const res = await kiosk.call('bindingKey', {});
      expect(res.ok && res.body.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    });

    it('refuses a client without a certificate (KIOSK_CERTIFICATE_MISSING)', async () => {
      const client = httpsClient(center.baseUrl, center.caPem);
      const res = await client.request<{ error: { code: string } }>('POST', kioskPath('challenge'), challengeRequest());
      client.close();
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('KIOSK_CERTIFICATE_MISSING');
    });

    it('refuses a certificate issued by another CA, even for an enrolled terminal id (KIOSK_UNKNOWN)', async () => {
      const enrolled = await center.enrollKiosk();
      const otherCa = ensureKioskCa(join(scratch, 'other-ca'), 'Madoguchi kiosk CA');
      const made = createKioskKeyAndCsr(join(scratch, 'other-kiosk'), enrolled.terminalId);
      const forged = signKioskCsr(otherCa, made.csrPem, enrolled.terminalId);
      const client = httpsClient(center.baseUrl, center.caPem, {
        keyPem: readFileSync(made.keyPath, 'utf8'),
        certPem: forged.certificatePem,
      });
      const res = await client.request<{ error: { code: string } }>('POST', kioskPath('challenge'), challengeRequest());
      client.close();
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('KIOSK_UNKNOWN');
    });

    it('refuses a revoked kiosk at once, on its already-open connection too (KIOSK_REVOKED)', async () => {
      const kiosk = await center.enrollKiosk();
      expect((await kiosk.call('challenge', { body: challengeRequest() })).ok).toBe(true);
      expect(await revokeKiosk(center.database, kiosk.terminalId)).toBe(true);
      const res = await kiosk.call('challenge', { body: challengeRequest() });
      expect(refusalOf(res)).toEqual({ status: 403, code: 'KIOSK_REVOKED' });
      expect(!res.ok && res.body.error.messageEn).toMatch(/revoked/);
    });

    it('serves the OpenAPI document, built from the shared schemas, without a client certificate', async () => {
      const client = httpsClient(center.baseUrl, center.caPem);
      const res = await client.request<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> }>(
        'GET',
        OPENAPI_PATH,
      );
      client.close();
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      // The document is generated from the route table: exactly its routes, each with its method.
      const routes = Object.keys(kioskApi) as KioskRouteName[];
      expect(Object.keys(res.body.paths).sort()).toEqual(routes.map(kioskOpenApiPath).sort());
      for (const name of routes)
        expect(Object.keys(res.body.paths[kioskOpenApiPath(name)]!)).toEqual([kioskApi[name].method.toLowerCase()]);
      // Every mutating kiosk call requires its idempotency key, the authentication calls included.
      type JsonBody = { content: { 'application/json': { schema: { required?: string[]; properties: Record<string, unknown> } } } };
      const posts = Object.entries(res.body.paths).filter(([, operations]) => operations.post);
      expect(posts.map(([path]) => path)).toEqual(expect.arrayContaining([kioskPath('challenge'), kioskPath('authenticate')]));
      for (const [path, operations] of posts) {
        const body = operations.post!.requestBody as { required?: boolean } & JsonBody;
        expect({
          path,
          required: body.required,
          key: body.content['application/json'].schema.required?.includes('idempotencyKey'),
        }).toEqual({ path, required: true, key: true });
      }
      const quoteBody = JSON.stringify(res.body.paths[kioskPath('quote')]?.post?.requestBody);
      expect(quoteBody).toContain('idempotencyKey');
      expect(quoteBody).toContain('residenceRecord');
      // Yen amounts are documented as what travels: non-negative integers.
      const quoteResponse = (
        res.body.paths[kioskPath('quote')]?.post as {
          responses: Record<
            string,
            { content: { 'application/json': { schema: { properties: Record<string, { type?: string; minimum?: number }> } } } }
          >;
        }
      ).responses['200']!;
      expect(quoteResponse.content['application/json'].schema.properties.feeYen).toMatchObject({ type: 'integer', minimum: 0 });
    });

    it('serves the public certificate verification page without a client certificate', async () => {
      const client = httpsClient(center.baseUrl, center.caPem);
      const res = await client.request<string>('GET', '/verify');
      client.close();
      expect(res.status).toBe(200);
      expect(res.body).toContain('証明書の検証');
    });

    it('mounts the municipal-data import API under /admin behind its bearer token (no kiosk certificate needed)', async () => {
      const batch = { municipalities: center.demo.batch.municipalities.slice(0, 1) };
      const anonymous = httpsClient(center.baseUrl, center.caPem);
      const refused = await anonymous.request<{ error: { code: string } }>('POST', '/admin/municipal-data?dryRun=true', batch);
      anonymous.close();
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('AUTHENTICATION_REQUIRED');
      const wrong = httpsClient(center.baseUrl, center.caPem, undefined, { authorization: 'Bearer not-the-token' });
      expect((await wrong.request('POST', '/admin/municipal-data?dryRun=true', batch)).status).toBe(403);
      wrong.close();
      const operator = httpsClient(center.baseUrl, center.caPem, undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
      const ok = await operator.request<{ dryRun: boolean }>('POST', '/admin/municipal-data?dryRun=true', batch);
      operator.close();
      expect(ok.status).toBe(200);
      expect(ok.body.dryRun).toBe(true);
    });

    it('answers unknown paths with the catalog NOT_FOUND body, and rate-limits them (RATE_LIMITED)', async () => {
      const kiosk = await center.enrollKiosk();
      const res = await kiosk.raw<{ error: { code: string } }>('GET', `${API_PREFIX}/nothing-here`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      let last = res;
      for (let i = 0; i < 40 && last.status === 404; i++) last = await kiosk.raw<{ error: { code: string } }>('GET', `/probe-${i}`);
      expect(last.status).toBe(429);
      expect(last.body.error.code).toBe('RATE_LIMITED');
    });

    it('the enrollment CLI turns a CSR into a client certificate the center accepts, and revokes it', async () => {
      const stateDir = center.state.dir;
      const config = harness.configOf(center.database);
      const databaseArg = config.kind === 'sqlite' ? config.path : config.connectionString;
      const made = createKioskKeyAndCsr(join(scratch, 'cli-kiosk'), 'CLI-0001');
      // Run asynchronously: the center lives in this process and keeps serving while the CLI runs.
      const cli = async (...args: string[]) =>
        (
          await promisify(execFile)(
            process.execPath,
            ['--import', 'tsx', 'apps/center/src/cli/kiosk.ts', '--state', stateDir, '--database', databaseArg, ...args],
            { cwd: join(__dirname, '../..'), encoding: 'utf8' },
          )
        ).stdout;
      const out = join(scratch, 'cli-kiosk.cert.pem');
      expect(
        await cli(
          'enroll',
          '--csr',
          made.csrPath,
          '--terminal-id',
          'CLI-0001',
          '--printer-id',
          'P01',
          '--store-code',
          'S9',
          '--store-name',
          'CLI店',
          '--out',
          out,
        ),
      ).toContain('enrolled CLI-0001');
      const client = httpsClient(center.baseUrl, center.caPem, {
        keyPem: readFileSync(made.keyPath, 'utf8'),
        certPem: readFileSync(out, 'utf8'),
      });
      expect((await client.request('POST', kioskPath('challenge'), challengeRequest())).status).toBe(200);
      expect(await cli('revoke', '--terminal-id', 'CLI-0001')).toContain('revoked CLI-0001');
      const refused = await client.request<{ error: { code: string } }>('POST', kioskPath('challenge'), challengeRequest());
      client.close();
      expect(refused.body.error.code).toBe('KIOSK_REVOKED');
    });
  });
});
