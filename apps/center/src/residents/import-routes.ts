/**
 * The import API over HTTP, for municipal systems and operators: a Fastify plugin the server mounts
 * behind the admin gate (http/admin-auth.ts), which authenticates and rate-limits every request
 * before its body is read. It has no authentication of its own: mounted elsewhere, it is open.
 *
 *   POST <prefix>/municipal-data[?dryRun=true]      body: MunicipalDataBatch (JSON)
 *   POST <prefix>/municipal-data/csv[?dryRun=true]  body: { "files": { "residents.csv": "…", … } }
 *   → 200 ImportReport | 422 IMPORT_INVALID with issues [{ path, message }] (nothing imported)
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { createMunicipalStore } from './index.js';

export interface ImportRoutesOptions {
  database: CenterDatabase;
  /** Largest accepted body (seal images make CSV/JSON batches large). Default 64 MiB. */
  bodyLimit?: number;
}

const dryRunOf = (request: FastifyRequest) => (request.query as Record<string, string | undefined>).dryRun === 'true';

export function municipalDataRoutes(options: ImportRoutesOptions): FastifyPluginAsync {
  const bodyLimit = options.bodyLimit ?? 64 * 1024 * 1024;
  return async (app) => {
    const store = createMunicipalStore(options.database);
    app.post('/municipal-data', { bodyLimit }, async (request) => store.importBatch(request.body, { dryRun: dryRunOf(request) }));

    app.post('/municipal-data/csv', { bodyLimit }, async (request) => {
      const body = request.body as { files?: unknown } | null;
      const files = body?.files;
      if (!files || typeof files !== 'object' || Array.isArray(files) || !Object.values(files).every((v) => typeof v === 'string')) {
        throw new MadoguchiError('INPUT_INVALID', 'expected { files: { "<name>.csv": "<text>" } }', [
          { path: 'files', message: 'CSV ファイル名と内容の組にしてください (an object of file name → CSV text)' },
        ]);
      }
      return store.importCsv(files as Record<string, string>, { dryRun: dryRunOf(request) });
    });
  };
}
