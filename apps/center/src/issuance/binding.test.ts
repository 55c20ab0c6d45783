import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadBindingKey, signBinding, verifyBindingSignature } from './binding.js';

const binding = {
  issuanceId: '00000000-0000-4000-8000-000000000001',
  issueNumber: '20261124 千代田区 T0001 P01 000001',
  copyIndex: 1,
  pageCount: 1,
  pageIssueNumbers: ['20261124 千代田区 T0001 P01 000001 1/1'],
  documentSha256: 'a'.repeat(64),
  authCertificateSha256: 'b'.repeat(64),
  certificateType: 'residenceRecord' as const,
  issuedAt: '2026-11-24T03:00:00.000Z',
};

describe('document bindings', () => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = loadBindingKey(pem, 'k1');

  it('signs the canonical JSON, which verifies with the published key', () => {
    const signed = signBinding(key, binding);
    expect(JSON.parse(signed.bindingJson)).toEqual(binding);
    expect(verifyBindingSignature(key.publicKey, signed.bindingJson, signed.bindingSignature)).toBe(true);
  });

  it('fails verification when any field is changed (another card, another page count)', () => {
    const signed = signBinding(key, binding);
    for (const tampered of [
      { ...binding, authCertificateSha256: 'c'.repeat(64) },
      { ...binding, pageCount: 2 },
    ]) {
      expect(verifyBindingSignature(key.publicKey, JSON.stringify(tampered), signed.bindingSignature)).toBe(false);
    }
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadBindingKey(rsa, 'k2')).toThrow(/Ed25519/);
  });
});
