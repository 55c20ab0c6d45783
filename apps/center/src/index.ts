/** @madoguchi/center: what the start script, the test harness and operator tools import. */
export { buildApp, type BuildOptions } from './app.js';
export { configFromEnv, ensureCenterState, defaultTimeouts, type CenterConfig, type CenterState, type CenterTimeouts } from './config.js';
export { openDatabase, writeTransaction, readTransaction, type CenterDatabase } from './db/database.js';
export { migrate } from './db/migrate.js';
export {
  ensureKioskCa,
  signKioskCsr,
  createKioskKeyAndCsr,
  issueServerCertificate,
  certificateSha256,
  type KioskCa,
} from './kiosks/kiosk-ca.js';
export { enrollKiosk, revokeKiosk, listKiosks, type Kiosk, type Enrollment } from './kiosks/registry.js';
export { createStoreChain, listStoreChains } from './kiosks/store-chains.js';
export { verifyBindingSignature, type BindingKey } from './issuance/binding.js';
export { canonicalJson } from './issuance/canonical-json.js';
export { runIdempotent, type IdempotentCall } from './issuance/idempotency.js';
export { createDefaultServices } from './issuance/default-services.js';
export type { CenterServices, RenderedDocument } from './issuance/services.js';
export { sweep, type SweepPolicy, type SweepReport } from './issuance/sweeper.js';
export {
  createInProcessIssuance,
  type InProcessIssuance,
  type InProcessOptions,
  type SessionCard,
} from './issuance/in-process-issuance.js';
export { closeBillingMonth } from './billing/close.js';
export { listIncidents, triageIncident, incidentPage, type Incident } from './issuance/incidents.js';
export {
  signChainHead,
  storedHeads,
  readPublishedHeads,
  headsAsJsonLines,
  ensureChainHeadKey,
  PUBLISHED_HEADS_FILE,
  type PublishedHead,
} from './audit/chain-heads.js';
export { appendAudit, hashRow } from './audit/chain.js';
export { verifyAuditChain, type AuditVerification } from './audit/verify.js';
export { createEnrolledStaff, createStaff, type CreatedStaff, type NewStaff } from './staff/staff-store.js';
export { newTotpSecret, otpauthUri, totpCode } from './staff/totp.js';
export { consoleSettings, type ConsoleConfig } from './config.js';
