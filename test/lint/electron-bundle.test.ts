/**
 * The production Electron bundle never carries the test-only card simulator (its applet, its test
 * PKI that says it is not J-LIS): the kiosk loads it only through the demo reader, lazily, and the
 * bundle leaves the package out. Built here with the real build script into a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM build script without type declarations
import { buildElectron } from '../../apps/kiosk/build-electron.mjs';

const out = mkdtempSync(join(tmpdir(), 'madoguchi-electron-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the production Electron bundle', () => {
  it('contains no card-simulator code, and loads the package only when the demo reader starts', async () => {
    const metafile = (await buildElectron(out)) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((p) => p.includes('src/main/kiosk-main.ts'))).toBe(true);
    expect(inputs.filter((p) => p.includes('card-sim'))).toEqual([]);
    const text = readFileSync(join(out, 'main.cjs'), 'utf8');
    expect(text).not.toMatch(/VirtualJpkiCard|NOT J-LIS|createTestPki/);
    // The one require of the package sits inside the demo reader's lazy module initialiser.
    const requires = [...text.matchAll(/require\("@madoguchi\/card-sim"\)/g)].map((m) => m.index);
    expect(requires).toHaveLength(1);
    const lazyInit = text.indexOf('var init_demo_cards = __esm(');
    expect(lazyInit).toBeGreaterThan(-1);
    expect(requires[0]!).toBeGreaterThan(lazyInit);
    expect(requires[0]! - lazyInit).toBeLessThan(400);
  });

  it('leaves the native modules (card reader, journal) to be required at run time, not bundled', async () => {
    const metafile = (await buildElectron(out)) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(metafile.inputs);
    // A bundled copy would look for its .node binary beside the bundle and fail on the kiosk.
    expect(inputs.filter((p) => /node_modules\/(\.pnpm\/)?(better-sqlite3|pcsclite|bindings)/.test(p))).toEqual([]);
    const text = readFileSync(join(out, 'main.cjs'), 'utf8');
    expect(text).toContain('require("better-sqlite3")');
  });
});
