/** The import API over HTTP (Fastify inject, the center's error handling) on both databases. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ErrorBody, MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '@madoguchi/center';
import { installErrorHandling } from '@madoguchi/center/http';
import { batchToCsv, createMunicipalStore, municipalDataRoutes } from '@madoguchi/center/residents';
import { forEachDatabase } from '../support/databases.js';
import { demo } from '../support/demo-world.js';

async function appFor(database: CenterDatabase) {
  const app = Fastify({ logger: false });
  installErrorHandling(app);
  // The routes carry no authentication of their own (the center mounts them behind http/admin-auth.ts);
  // a stand-in gate here keeps this suite about the routes.
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request) => {
        if (request.headers['x-test-operator'] !== 'yes') throw new MadoguchiError('FORBIDDEN');
      });
      await admin.register(municipalDataRoutes({ database }));
    },
    { prefix: '/admin' },
  );
  return app;
}

forEachDatabase((harness) => {
  describe('import API', () => {
    it('imports a JSON batch, reports counts, and honours dryRun', async () => {
      const database = await harness.fresh();
      const app = await appFor(database);
      const headers = { 'x-test-operator': 'yes' };
      const dry = await app.inject({ method: 'POST', url: '/admin/municipal-data?dryRun=true', headers, payload: demo.batch });
      expect(dry.statusCode).toBe(200);
      expect(dry.json()).toMatchObject({ dryRun: true, counts: { residents: 272 } });
      expect(await createMunicipalStore(database).getResident(demo.featured.ordinary)).toBeNull();
      const real = await app.inject({ method: 'POST', url: '/admin/municipal-data', headers, payload: demo.batch });
      expect(real.json()).toMatchObject({ dryRun: false, counts: { residents: 272 } });
      expect(await createMunicipalStore(database).getResident(demo.featured.ordinary)).not.toBeNull();
      await app.close();
    });

    it('answers 422 IMPORT_INVALID with row-level issues for a bad CSV, and 403 without authorization', async () => {
      const database = await harness.fresh();
      const app = await appFor(database);
      const files = batchToCsv(demo.batch);
      const bad = { ...files, 'residents.csv': files['residents.csv']!.replace(/,(\d{4}-\d{2}-\d{2}),(male|female),/, ',2001-02-30,$2,') };
      const refused = await app.inject({
        method: 'POST',
        url: '/admin/municipal-data/csv',
        headers: { 'x-test-operator': 'yes' },
        payload: { files: bad },
      });
      expect(refused.statusCode).toBe(422);
      const body = ErrorBody.parse(refused.json());
      expect(body.error.code).toBe('IMPORT_INVALID');
      expect(body.error.issues?.[0]?.path).toBe('residents.csv:2:birthDate');
      const forbidden = await app.inject({ method: 'POST', url: '/admin/municipal-data', payload: demo.batch });
      expect(forbidden.statusCode).toBe(403);
      const malformed = await app.inject({
        method: 'POST',
        url: '/admin/municipal-data/csv',
        headers: { 'x-test-operator': 'yes' },
        payload: { files: ['x'] },
      });
      expect(malformed.statusCode).toBe(400);
      await app.close();
    });
  });
});
