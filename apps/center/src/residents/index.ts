/**
 * The center's municipal data store (住民記録, 印鑑, 戸籍, 附票, 税, 支援措置, 発行抑止, card links).
 *
 * Public API (used by the server's import route, the auth flow and issuance):
 *   const store = createMunicipalStore(database);
 *   await store.importBatch(json, { dryRun? })  // MunicipalDataBatch; throws MadoguchiError('IMPORT_INVALID', …, issues)
 *   await store.importCsv({ 'residents.csv': text, … }, { dryRun? })  // one CSV per kind (docs/import-format.md)
 *   await store.findResidentByCard(issuer, serialNumber)  // Resident | null, via the card link
 *   await store.cardLink(issuer, serialNumber)             // { residentId, usableFrom } | null
 *   await store.loadCertificateData({ residentId, certificateType, options, now })  // CertificateData
 *   await store.householdMembers(residentId)  // printable members in the standard order
 *   await store.getResident(residentId), store.getMunicipality(code)
 *
 * HTTP: `municipalDataRoutes({ database, authorize })` in import-routes.ts is the import API as a
 * Fastify plugin (JSON and CSV, ?dryRun=true), to be mounted behind the server's own authorization.
 *
 * Nothing is cached: each call reads the database afresh (docs/misissuance.md#r5), and the reads
 * of one call share one snapshot. loadCertificateData re-applies the record rules (status, 仮登録, 支援措置,
 * 発行抑止, cancelled seal) and throws MadoguchiError with the eligibility code when one applies.
 */
import type { CertificateData, Municipality, Resident } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { readTransaction } from '../db/database.js';
import { householdMembersIn, loadCertificateData, type CertificateDataRequest } from './certificate-data.js';
import { importCsv } from './import-csv.js';
import { importBatch, type ImportOptions, type ImportReport } from './import-batch.js';
import { findResidentIdByCard, getMunicipality, getResident } from './queries.js';

export type { ImportReport, ImportOptions, BatchKind } from './import-batch.js';
export type { CertificateDataRequest } from './certificate-data.js';
export type { ImportIssue } from './paths.js';
export { csvFiles, csvFileSpecs, type CsvFileSpec, type CsvColumn } from './csv-format.js';
export { batchToCsv } from './csv-export.js';
export { sortMembers, relationshipRank } from './member-order.js';
export { pendingProvisional, type ProvisionalKind } from './provisional.js';
export { getFamilyRegister } from './queries.js';
export { municipalDataRoutes, type ImportRoutesOptions } from './import-routes.js';

export interface MunicipalStore {
  importBatch(input: unknown, options?: ImportOptions): Promise<ImportReport>;
  importCsv(files: Record<string, string>, options?: ImportOptions): Promise<ImportReport>;
  findResidentByCard(issuer: string, serialNumber: string): Promise<Resident | null>;
  cardLink(issuer: string, serialNumber: string): Promise<{ residentId: string; usableFrom: string } | null>;
  loadCertificateData(request: CertificateDataRequest): Promise<CertificateData>;
  householdMembers(residentId: string): Promise<Resident[]>;
  getResident(residentId: string): Promise<Resident | null>;
  getMunicipality(code: string): Promise<Municipality | null>;
}

export function createMunicipalStore(database: CenterDatabase): MunicipalStore {
  return {
    importBatch: (input, options) => importBatch(database, input, undefined, options),
    importCsv: (files, options) => importCsv(database, files, options),
    findResidentByCard: (issuer, serialNumber) =>
      readTransaction(database, async (trx) => {
        const link = await findResidentIdByCard(trx, issuer, serialNumber);
        return link ? getResident(trx, link.residentId) : null;
      }),
    cardLink: (issuer, serialNumber) => findResidentIdByCard(database.db, issuer, serialNumber),
    loadCertificateData: (request) => loadCertificateData(database, request),
    householdMembers: (residentId) =>
      readTransaction(database, async (trx) => {
        const resident = await getResident(trx, residentId);
        return resident ? (await householdMembersIn(trx, resident)).printable : [];
      }),
    getResident: (residentId) => getResident(database.db, residentId),
    getMunicipality: (code) => getMunicipality(database.db, code),
  };
}
