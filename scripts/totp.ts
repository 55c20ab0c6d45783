/**
 * The current TOTP code of a demo staff account, for signing in to the demo's console without a
 * phone (an authenticator app with the printed secret or otpauth URI shows the same code):
 *
 *   corepack pnpm exec tsx scripts/totp.ts <base32 secret>
 *
 * The center checks codes on the wall clock, even while the demo runs on its demo clock.
 */
import { totpCode } from '@madoguchi/center';

const secret = process.argv[2];
if (!secret || !/^[A-Z2-7]+=*$/i.test(secret)) {
  console.error('usage: tsx scripts/totp.ts <base32 TOTP secret>');
  process.exit(2);
}
const now = new Date();
const left = 30 - (Math.floor(now.getTime() / 1000) % 30);
console.log(`${totpCode(secret.toUpperCase(), now)}  (valid for ${left} s more; a code signs in once)`);
