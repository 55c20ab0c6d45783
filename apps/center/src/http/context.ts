/** What the route plugins are built from: one object per center process, created in buildApp. */
import type { RevocationChecker } from '../auth/crl.js';
import type { TrustAnchors } from '../auth/trust-anchors.js';
import type { CenterConfig } from '../config.js';
import type { CenterDatabase } from '../db/database.js';
import type { BindingKey } from '../issuance/binding.js';
import type { CenterServices } from '../issuance/services.js';

export interface CenterContext {
  config: CenterConfig;
  database: CenterDatabase;
  services: CenterServices;
  anchors: TrustAnchors;
  revocation: RevocationChecker;
  bindingKey: BindingKey;
  /** The center's clock; tests move it to expire challenges and sessions. */
  now: () => Date;
  /**
   * The wall clock that staff's authenticator apps keep: TOTP codes are checked against it, never
   * against a demo clock (MADOGUCHI_CLOCK runs the demo on another day, where every code from a
   * phone would be refused). Tests that move the center's clock pass it here too.
   */
  codeClock: () => Date;
}
