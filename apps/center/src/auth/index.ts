/**
 * Resident authentication: challenges, the card certificate chain, CRL revocation, sessions.
 * The server wires these itself (app.ts); this entry (`@madoguchi/center/auth`) is for tests that
 * check the CRL reader on the files the test PKI publishes.
 */
export { parseCrl, unsupportedFeature, type CrlExtension, type ParsedCrl } from './crl.js';
