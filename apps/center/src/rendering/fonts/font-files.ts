/**
 * Where the renderer's fonts come from. BIZ UDMincho (OFL) ships in an npm package; IPAmj明朝
 * comes from Debian's fonts-ipamj-mincho. If IPAmj明朝 is absent, names that need it are refused
 * (ELIGIBILITY_UNPRINTABLE_CHARACTER), never printed with a substitute.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const defaultMjFontDir = '/usr/share/fonts/truetype/ipamj';
const mjFontFile = 'ipamjm.ttf';

export function mainFontPath(): string {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@expo-google-fonts/biz-udmincho/package.json').replace(/package\.json$/, '');
  return join(dir, '400Regular', 'BIZUDMincho_400Regular.ttf');
}

/** Path of IPAmj明朝, or undefined when the font is not installed. */
export function mjFontPath(fontDir?: string): string | undefined {
  // An explicit directory is the only place looked at, so a deployment (or a test) can say "none".
  const candidates = fontDir
    ? [join(fontDir, mjFontFile)]
    : [join(defaultMjFontDir, mjFontFile), join('/usr/share/fonts/opentype/ipamj', mjFontFile)];
  return candidates.find((p) => existsSync(p));
}

export function readFontBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
