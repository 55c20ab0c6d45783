// One lint setup for the repository. The import-boundary rules are the point: they make the
// process a file runs in visible and enforced (see ARCHITECTURE.md, "Where code runs").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'crypto', 'child_process', 'os', 'net', 'tls', 'http', 'https', 'url', 'stream', 'zlib', 'worker_threads', 'events', 'buffer', 'util'];
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/out/**', '.var/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '**/.scratch*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': 'allow-with-description', 'ts-expect-error': 'allow-with-description' }],
      'no-console': 'off',
      // Japanese text separates family and given names with a full-width space (U+3000).
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['packages/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          pattern(nodeBuiltins, 'packages/shared runs everywhere (center, kiosk main, renderer): no Node built-ins.'),
          pattern(['electron', 'react', 'react-dom', '@madoguchi/center', '@madoguchi/kiosk', '@madoguchi/card-sim'], 'packages/shared imports no app, DOM or Electron code.'),
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['apps/kiosk/src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          pattern(nodeBuiltins, 'The renderer is sandboxed web content: no Node built-ins. Ask the main process through window.kiosk.'),
          pattern(['electron', 'pcsclite', '@madoguchi/center', '@madoguchi/card-sim', '**/main/**', '**/preload/**', '**/electron/**', '**/browser-host/**'], 'The renderer talks to the main process only through the bridge (window.kiosk).'),
        ],
      }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['apps/kiosk/**/*.{ts,tsx}'],
    ignores: ['apps/kiosk/src/renderer/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [pattern(['@madoguchi/center', '@madoguchi/center/*', '**/apps/center/**', '../../center/**'], 'The kiosk never imports the center: only packages/shared.')],
      }],
    },
  },
  {
    files: ['apps/center/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          pattern(['@madoguchi/kiosk', '@madoguchi/kiosk/*', '**/apps/kiosk/**', '../../kiosk/**'], 'The center never imports the kiosk: only packages/shared.'),
          pattern(['electron', 'react', 'react-dom', 'pcsclite'], 'The center is a server: no Electron, React or PC/SC.'),
        ],
      }],
    },
  },
);
