/**
 * The current TOTP code of a demo staff account, for signing in to the demo's console without a
 * phone:
 *
 *   corepack pnpm exec tsx scripts/totp.ts <base32 secret> [--state .var/demo]
 *
 * The demo's center runs on a demo clock (the next weekday, 10:00 Japan time), and it checks codes
 * against that clock, so the code is computed for the center's time: demo-clock.json in the state
 * directory says where that clock started. Without that file (a center on the real clock), the code
 * is the one an authenticator app shows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { totpCode } from '@madoguchi/center';
import { repoRoot } from './repo-root.js';
import { demoClockFile } from './system.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { state: { type: 'string' } } });
const secret = positionals[0];
if (!secret || !/^[A-Z2-7]+=*$/i.test(secret)) {
  console.error('usage: tsx scripts/totp.ts <base32 TOTP secret> [--state <demo state directory>]');
  process.exit(2);
}
const file = demoClockFile(resolve(values.state ?? join(repoRoot, '.var', 'demo')));
let now = new Date();
if (existsSync(file)) {
  const { clock, realStartMs } = JSON.parse(readFileSync(file, 'utf8')) as { clock: string; realStartMs: number };
  now = new Date(Date.parse(clock) + (Date.now() - realStartMs));
}
const left = 30 - (Math.floor(now.getTime() / 1000) % 30);
console.log(`${totpCode(secret.toUpperCase(), now)}  (valid for ${left} s more; a code signs in once)`);
