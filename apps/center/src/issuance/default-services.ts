/**
 * The production wiring of CenterServices: the municipal store, the policy store, the eligibility
 * engine and the PDF renderer (worker pool). Nothing here caches municipal data: every call reads
 * the database afresh, so an import is seen by the very next request (docs/misissuance.md#r5).
 * The read snapshots are units of work (read-units.ts): on SQLite each is one message to its thread.
 */
import { createPrivateKey } from 'node:crypto';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterConfig } from '../config.js';
import { runUnit, type CenterDatabase } from '../db/database.js';
import { createRenderer, createVerificationSigner } from '../rendering/index.js';
import { createMunicipalStore } from '../residents/index.js';
import { cardHolder } from '../residents/queries.js';
import * as readUnits from './read-units.js';
import type { CenterServices } from './services.js';

export function createDefaultServices(
  database: CenterDatabase,
  config: Pick<CenterConfig, 'verificationKey' | 'renderWorkers' | 'publicVerifyBaseUrl'>,
): CenterServices {
  const store = createMunicipalStore(database);
  const renderer = createRenderer({
    workers: config.renderWorkers,
    verifyBaseUrl: config.publicVerifyBaseUrl,
    signer: createVerificationSigner(createPrivateKey(config.verificationKey.privateKeyPem), config.verificationKey.keyId),
  });

  return {
    findResidentByCard: (issuer, serialNumber) => cardHolder(database.db, issuer, serialNumber),
    async municipalityName(code) {
      const municipality = await store.getMunicipality(code);
      if (!municipality) throw new MadoguchiError('INTERNAL', `no municipality ${code}`);
      return municipality.name;
    },
    sessionView: (session, now) =>
      runUnit(database, readUnits.sessionView, {
        session: {
          residentId: session.residentId,
          municipalityCode: session.municipalityCode,
          authNotAfter: session.authNotAfter,
          cardUsableFrom: session.cardUsableFrom,
        },
        now,
      }),
    checkEligibility: (request) => runUnit(database, readUnits.checkEligibility, request),
    certificateToRender: (request, residenceMunicipalityCode) =>
      runUnit(database, readUnits.certificateToRender, { request, residenceMunicipalityCode }),
    render: (input, options) => renderer.render(input, options),
    renderReport: (report) => renderer.renderReport(report),
    close: () => renderer.close(),
  };
}
