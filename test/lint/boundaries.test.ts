/**
 * The import-boundary rules must fail the build, not just exist: lint a few offending snippets as
 * if they sat at real paths in the tree and expect the rule to fire (and a clean snippet to pass).
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  it('keeps Node built-ins out of packages/shared', async () => {
    expect((await lint('packages/shared/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).join()).toMatch(/no-restricted-imports.*no Node built-ins/);
  });

  it('keeps DOM globals out of packages/shared', async () => {
    expect((await lint('packages/shared/src/x.ts', 'export const w = window.location;\n')).join()).toMatch(/no-restricted-globals/);
  });

  it('keeps Node and Electron out of the kiosk renderer', async () => {
    expect((await lint('apps/kiosk/src/renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).join()).toMatch(/no-restricted-imports/);
    expect((await lint('apps/kiosk/src/renderer/x.ts', "import os from 'node:os';\nexport const o = os;\n")).join()).toMatch(/no-restricted-imports/);
  });

  it('keeps the kiosk and the center from importing each other', async () => {
    expect((await lint('apps/kiosk/src/main/x.ts', "import { buildApp } from '@madoguchi/center';\nexport const b = buildApp;\n")).join()).toMatch(/never imports the center/);
    expect((await lint('apps/center/src/x.ts', "import { KioskSession } from '../../kiosk/src/main/session/kiosk-session.js';\nexport const k = KioskSession;\n")).join()).toMatch(/never imports the kiosk/);
  });

  it('lets shared code import zod and itself', async () => {
    expect(await lint('packages/shared/src/x.ts', "import { z } from 'zod';\nexport const s = z.string();\n")).toEqual([]);
  });
});
