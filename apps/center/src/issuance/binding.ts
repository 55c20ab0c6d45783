/**
 * Document bindings: for every delivered copy the center signs (Ed25519) the canonical JSON of what
 * the kiosk must check before printing: this issuance, this issue number on every page as n/N, the
 * PDF's digest, and the digest of the card certificate the center authenticated. A page from
 * another job, another copy or another resident fails the kiosk's check (docs/misissuance.md#r4).
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { DocumentBinding } from '@madoguchi/shared';
import { canonicalJson } from './canonical-json.js';

export interface BindingKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

export function loadBindingKey(privateKeyPem: string, keyId: string): BindingKey {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the center binding key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  return { keyId, privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface SignedBinding {
  binding: DocumentBinding;
  bindingJson: string;
  bindingSignature: string;
}

export function signBinding(key: BindingKey, binding: DocumentBinding): SignedBinding {
  const bindingJson = canonicalJson(binding);
  const bindingSignature = sign(null, Buffer.from(bindingJson, 'utf8'), key.privateKey).toString('base64');
  return { binding, bindingJson, bindingSignature };
}

/** What a kiosk does with the pinned center key (also used by the center's own tests). */
export function verifyBindingSignature(publicKey: KeyObject, bindingJson: string, bindingSignature: string): boolean {
  return verify(null, Buffer.from(bindingJson, 'utf8'), publicKey, Buffer.from(bindingSignature, 'base64'));
}
