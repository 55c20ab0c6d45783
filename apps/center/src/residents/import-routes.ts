/**
 * The import API over HTTP, for municipal systems and operators: a Fastify plugin the server mounts
 * behind the admin gate (http/admin-auth.ts), which authenticates and rate-limits every request
 * before its body is read. It has no authentication of its own: mounted elsewhere, it is open.
 *
 *   POST <prefix>/municipal-data[?dryRun=true]      body: MunicipalDataBatch (JSON)
 *   POST <prefix>/municipal-data/csv[?dryRun=true]  body: { "files": { "residents.csv": "…", … } }
 *   → 200 ImportReport | 422 IMPORT_INVALID with issues [{ path, message }] (nothing imported)
 *
 * Called with an API token (request.adminPrincipal, set by the gate), an import is that token's
 * municipality's: the batch must hold only its records (import-scope.ts), CSV text is checked for
 * formulas and encoding, and every run goes into import_history (and, applied, into the history)
 * under the token's id, as the console's imports do (scoped-import.ts). The deprecated shared token
 * imports for every municipality, unchecked, as before; its runs are recorded under each
 * municipality the batch names, with the token id 'legacy' (legacyImport).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { createMunicipalStore } from './index.js';
import { legacyImport, scopedImport, type ImportPayload } from './scoped-import.js';

export interface ImportRoutesOptions {
  database: CenterDatabase;
  /** Largest accepted body (seal images make CSV/JSON batches large). Default 64 MiB. */
  bodyLimit?: number;
  /** The center's clock, for the time an import is recorded at (default: the wall clock). */
  now?: () => Date;
}

const dryRunOf = (request: FastifyRequest) => (request.query as Record<string, string | undefined>).dryRun === 'true';

export function municipalDataRoutes(options: ImportRoutesOptions): FastifyPluginAsync {
  const bodyLimit = options.bodyLimit ?? 64 * 1024 * 1024;
  const now = options.now ?? (() => new Date());
  return async (app) => {
    const store = createMunicipalStore(options.database);
    /**
     * A token's import: its municipality's scope and its record; the same refusal as an unscoped one.
     * The shared token's: unscoped, recorded. No principal (mounted without the gate): unscoped, unrecorded.
     */
    const byPrincipal = async (request: FastifyRequest, payload: ImportPayload) => {
      const principal = request.adminPrincipal;
      if (principal?.kind === 'legacy') return legacyImport(options.database, payload, now());
      if (principal?.kind !== 'token') return null;
      const importer = { staffId: principal.staffId, tokenId: principal.tokenId };
      const result = await scopedImport(options.database, principal.municipalityCode, importer, payload, now());
      if (!result.ok) throw new MadoguchiError('IMPORT_INVALID', `${result.issues.length} problem(s); nothing was imported`, result.issues);
      return { counts: result.counts, total: result.total, dryRun: result.dryRun };
    };
    app.post(
      '/municipal-data',
      { bodyLimit },
      async (request) =>
        (await byPrincipal(request, { format: 'json', dryRun: dryRunOf(request), batch: request.body })) ??
        store.importBatch(request.body, { dryRun: dryRunOf(request) }),
    );

    app.post('/municipal-data/csv', { bodyLimit }, async (request) => {
      const body = request.body as { files?: unknown } | null;
      const files = body?.files;
      if (!files || typeof files !== 'object' || Array.isArray(files) || !Object.values(files).every((v) => typeof v === 'string')) {
        throw new MadoguchiError('INPUT_INVALID', 'expected { files: { "<name>.csv": "<text>" } }', [
          { path: 'files', message: 'CSV ファイル名と内容の組にしてください (an object of file name → CSV text)' },
        ]);
      }
      const csv = files as Record<string, string>;
      return (
        (await byPrincipal(request, { format: 'csv', dryRun: dryRunOf(request), files: csv })) ??
        store.importCsv(csv, { dryRun: dryRunOf(request) })
      );
    });
  };
}
