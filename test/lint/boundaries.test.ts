/**
 * The import-boundary rules must fail the build, not just exist: lint a few offending snippets as
 * if they sat at real paths in the tree and expect the rule to fire (and a clean snippet to pass).
 * Relative imports are judged by where they land, so each boundary is tried from more than one
 * folder depth, and the kiosk's own `main/center/` folder (its center client) must stay allowed.
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

/** Lint `import { x } from '<specifier>'` (used, so no unused-variable noise) at `path`. */
const importing = (path: string, specifier: string) => lint(path, `import { x } from '${specifier}';\nexport const y = x;\n`);
const boundary = /^madoguchi\/import-boundaries: /;

describe('import boundaries', () => {
  describe('packages/shared', () => {
    it('imports no Node built-ins, in any spelling', async () => {
      for (const specifier of [
        'node:fs',
        'fs',
        'fs/promises',
        'node:fs/promises',
        'path/posix',
        'node:test',
        'node:sqlite',
        'worker_threads',
        'diagnostics_channel',
        'process',
      ]) {
        expect((await importing('packages/shared/src/x.ts', specifier)).join(), specifier).toMatch(/no Node built-ins/);
      }
    });

    it('imports no Electron, React or DOM code', async () => {
      for (const specifier of ['electron', 'electron/renderer', 'react', 'react-dom', 'react-dom/client']) {
        expect((await importing('packages/shared/src/domain/x.ts', specifier)).join(), specifier).toMatch(/no app, DOM or Electron code/);
      }
      expect((await lint('packages/shared/src/x.ts', 'export const w = window.location;\n')).join()).toMatch(/no-restricted-globals/);
      expect((await lint('packages/shared/src/x.ts', 'export const d = document.title;\n')).join()).toMatch(/no-restricted-globals/);
    });

    it('imports no app code, by package name or by path', async () => {
      expect((await importing('packages/shared/src/x.ts', '@madoguchi/center')).join()).toMatch(/no app, DOM or Electron code/);
      expect((await importing('packages/shared/src/api/x.ts', '../../../../apps/center/src/app.js')).join()).toMatch(
        /no app, DOM or Electron code/,
      );
      expect((await importing('packages/shared/src/x.ts', '../../card-sim/src/index.js')).join()).toMatch(/no app, DOM or Electron code/);
    });

    it('may not load them dynamically either', async () => {
      expect((await lint('packages/shared/src/x.ts', "export const load = () => import('node:fs');\n")).join()).toMatch(
        /no Node built-ins/,
      );
      expect((await lint('packages/shared/src/x.ts', 'export const load = () => import(`electron`);\n')).join()).toMatch(
        /no app, DOM or Electron code/,
      );
      expect((await lint('packages/shared/src/x.ts', "export type Fs = typeof import('fs');\n")).join()).toMatch(/no Node built-ins/);
    });

    it('may import zod and itself', async () => {
      expect(await lint('packages/shared/src/x.ts', "import { z } from 'zod';\nexport const s = z.string();\n")).toEqual([]);
      expect(await importing('packages/shared/src/demo-data/x.ts', '../domain/era.js')).toEqual([]);
    });
  });

  describe('kiosk renderer', () => {
    it('imports no Node built-ins or Electron, statically or dynamically', async () => {
      expect((await importing('apps/kiosk/src/renderer/x.ts', 'electron')).join()).toMatch(/only through the bridge/);
      expect((await importing('apps/kiosk/src/renderer/x.ts', 'node:os')).join()).toMatch(/no Node built-ins/);
      expect((await importing('apps/kiosk/src/renderer/screens/x.tsx', 'child_process')).join()).toMatch(/no Node built-ins/);
      expect((await lint('apps/kiosk/src/renderer/x.ts', "export const load = () => import('node:fs/promises');\n")).join()).toMatch(
        /no Node built-ins/,
      );
      expect((await lint('apps/kiosk/src/renderer/x.ts', "export const load = () => import('electron');\n")).join()).toMatch(
        /only through the bridge/,
      );
    });

    it('imports neither main nor preload nor the hosts, from any depth', async () => {
      for (const [path, specifier] of [
        ['apps/kiosk/src/renderer/x.ts', '../main/session/kiosk-session.js'],
        ['apps/kiosk/src/renderer/screens/x.tsx', '../../main/card/card-service.js'],
        ['apps/kiosk/src/renderer/screens/deep/x.tsx', '../../../preload/index.js'],
        ['apps/kiosk/src/renderer/x.ts', '../electron/main.js'],
        ['apps/kiosk/src/renderer/x.ts', '../browser-host/start.js'],
        ['apps/kiosk/src/renderer/x.ts', '@madoguchi/card-sim'],
      ]) {
        expect((await importing(path!, specifier!)).join(), `${path} → ${specifier}`).toMatch(/only through the bridge/);
      }
    });

    it('imports nothing of the center', async () => {
      expect((await importing('apps/kiosk/src/renderer/x.ts', '@madoguchi/center')).join()).toMatch(/never imports the center/);
      expect((await importing('apps/kiosk/src/renderer/x.ts', '../../../center/src/app.js')).join()).toMatch(/never imports the center/);
      expect((await importing('apps/kiosk/src/renderer/screens/x.tsx', '../../../../center/src/rendering/x.js')).join()).toMatch(
        /never imports the center/,
      );
    });

    it('may import its own modules and packages/shared', async () => {
      expect(await importing('apps/kiosk/src/renderer/screens/x.tsx', '../components/Yen.js')).toEqual([]);
      expect(await importing('apps/kiosk/src/renderer/x.ts', '@madoguchi/shared')).toEqual([]);
    });
  });

  describe('kiosk and center', () => {
    it('keep the kiosk from importing the center, by name or by path at any depth', async () => {
      expect((await importing('apps/kiosk/src/main/x.ts', '@madoguchi/center')).join()).toMatch(/never imports the center/);
      expect((await importing('apps/kiosk/src/main/x.ts', '@madoguchi/center/src/app.js')).join()).toMatch(/never imports the center/);
      expect((await importing('apps/kiosk/src/main/x.ts', '../../../center/src/app.js')).join()).toMatch(/never imports the center/);
      expect((await importing('apps/kiosk/src/main/session/x.ts', '../../../../center/src/app.js')).join()).toMatch(
        /never imports the center/,
      );
      expect((await importing('apps/kiosk/src/x.ts', '../../center/src/issuance/x.js')).join()).toMatch(/never imports the center/);
      expect((await lint('apps/kiosk/src/main/x.ts', "export const load = () => import('../../../center/src/app.js');\n")).join()).toMatch(
        /never imports the center/,
      );
    });

    it('keep the center from importing the kiosk, by name or by path at any depth', async () => {
      expect((await importing('apps/center/src/x.ts', '@madoguchi/kiosk')).join()).toMatch(/never imports the kiosk/);
      expect((await importing('apps/center/src/x.ts', '../../kiosk/src/main/session/kiosk-session.js')).join()).toMatch(
        /never imports the kiosk/,
      );
      expect((await importing('apps/center/src/issuance/x.ts', '../../../kiosk/src/main/session/kiosk-session.js')).join()).toMatch(
        /never imports the kiosk/,
      );
      expect((await importing('apps/center/src/rendering/fonts/x.ts', '../../../../kiosk/src/renderer/App.js')).join()).toMatch(
        /never imports the kiosk/,
      );
      expect((await lint('apps/center/src/x.ts', "export * from '../../kiosk/src/main/kiosk-main.js';\n")).join()).toMatch(
        /never imports the kiosk/,
      );
    });

    it("leave the kiosk's own main/center folder (its center client) alone", async () => {
      expect(await importing('apps/kiosk/src/main/x.ts', './center/center-client.js')).toEqual([]);
      expect(await importing('apps/kiosk/src/main/session/x.ts', '../center/center-client.js')).toEqual([]);
      expect(await importing('apps/kiosk/src/main/center/x.ts', './center-client.js')).toEqual([]);
    });

    it('keep Electron, React and PC/SC out of the center', async () => {
      for (const specifier of ['electron', 'react', 'react-dom/server', 'pcsclite']) {
        expect((await importing('apps/center/src/x.ts', specifier)).join(), specifier).toMatch(/The center is a server/);
      }
    });

    it('keep the test-only card simulator to the demo reader (and tests) in the kiosk', async () => {
      expect((await importing('apps/kiosk/src/main/kiosk-main.ts', '@madoguchi/card-sim')).join()).toMatch(/test-only card simulator/);
      expect((await importing('apps/kiosk/src/main/card/x.ts', '../../../../../packages/card-sim/src/index.js')).join()).toMatch(
        /test-only card simulator/,
      );
      expect((await lint('apps/kiosk/src/electron/x.ts', "export const load = () => import('@madoguchi/card-sim');\n")).join()).toMatch(
        /test-only card simulator/,
      );
      expect(await importing('apps/kiosk/src/main/demo/demo-cards.ts', '@madoguchi/card-sim')).toEqual([]);
      expect(await importing('apps/kiosk/src/main/card/x.test.ts', '@madoguchi/card-sim')).toEqual([]);
    });

    it('report through the boundary rule, so a violation fails the build', async () => {
      const [message] = await importing('apps/kiosk/src/main/x.ts', '../../../center/src/app.js');
      expect(message).toMatch(boundary);
    });
  });

  describe('tests and scripts', () => {
    it('import the packages through their entry points, not by a path into src/', async () => {
      for (const [path, specifier] of [
        ['test/center/x.test.ts', '../../apps/center/src/app.js'],
        ['test/center/support/x.ts', '../../../apps/center/src/db/database.js'],
        ['test/e2e/x.spec.ts', '../../apps/kiosk/src/renderer/i18n/ja.js'],
        ['test/x.ts', '../packages/shared/src/api/json-schema-bounds.js'],
        ['scripts/x.ts', '../packages/card-sim/src/index.js'],
      ]) {
        expect((await importing(path!, specifier!)).join(), `${path} ${specifier}`).toMatch(/^no-restricted-imports: .*entry points/);
      }
      expect(
        (
          await lint(
            'test/card/x.test.ts',
            "import type { KioskSession } from '../../apps/kiosk/src/main/session/kiosk-session.js';\nexport type S = KioskSession;\n",
          )
        ).join(),
      ).toMatch(/entry points/);
    });

    it('leave the entry points alone', async () => {
      for (const specifier of [
        '@madoguchi/center',
        '@madoguchi/center/db',
        '@madoguchi/kiosk/card',
        '@madoguchi/shared/demo-data',
        '@madoguchi/card-sim',
      ]) {
        expect(await importing('test/center/x.test.ts', specifier), specifier).toEqual([]);
        expect(await importing('scripts/x.ts', specifier), specifier).toEqual([]);
      }
      expect(await importing('test/center/x.test.ts', '../support/databases.js')).toEqual([]);
    });
  });
});
