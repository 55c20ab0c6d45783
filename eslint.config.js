// One lint setup for the repository. The import-boundary rules are the point: they make the
// process a file runs in visible and enforced (see ARCHITECTURE.md, "Where code runs").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importBoundaries from './eslint-rules/import-boundaries.js';

// Paths in the boundary rules are relative to the repository root (this file's folder).
const boundaries = (...restrictions) => ({ root: import.meta.dirname, restrictions });

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/out/**',
      '.var/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      '**/.scratch*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { plugins: { madoguchi: importBoundaries } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': 'allow-with-description', 'ts-expect-error': 'allow-with-description' },
      ],
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
    // Long functions hide steps: anything longer says why right above it
    // (`// eslint-disable-next-line max-lines-per-function -- <reason>`).
    files: ['apps/*/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    files: ['packages/shared/**/*.{ts,tsx}'],
    rules: {
      'madoguchi/import-boundaries': [
        'error',
        boundaries(
          { nodeBuiltins: true, message: 'packages/shared runs everywhere (center, kiosk main, renderer): no Node built-ins.' },
          {
            packages: ['electron', 'react', 'react-dom', '@madoguchi/center', '@madoguchi/kiosk', '@madoguchi/card-sim'],
            paths: ['apps', 'packages/card-sim'],
            message: 'packages/shared imports no app, DOM or Electron code.',
          },
        ),
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['apps/kiosk/src/renderer/**/*.{ts,tsx}'],
    rules: {
      'madoguchi/import-boundaries': [
        'error',
        boundaries(
          {
            nodeBuiltins: true,
            message: 'The renderer is sandboxed web content: no Node built-ins. Ask the main process through window.kiosk.',
          },
          { packages: ['@madoguchi/center'], paths: ['apps/center'], message: 'The kiosk never imports the center: only packages/shared.' },
          {
            packages: ['electron', 'pcsclite', '@madoguchi/card-sim'],
            paths: [
              'apps/kiosk/src/main',
              'apps/kiosk/src/preload',
              'apps/kiosk/src/electron',
              'apps/kiosk/src/browser-host',
              'packages/card-sim',
            ],
            message: 'The renderer talks to the main process only through the bridge (window.kiosk).',
          },
        ),
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require'],
    },
  },
  {
    // The staff console is a web page: it reaches the center only over HTTPS (its console API).
    files: ['apps/console/src/**/*.{ts,tsx}'],
    rules: {
      'madoguchi/import-boundaries': [
        'error',
        boundaries(
          { nodeBuiltins: true, message: 'The console runs in the browser: no Node built-ins.' },
          {
            packages: ['@madoguchi/center', '@madoguchi/kiosk', '@madoguchi/card-sim', 'electron'],
            paths: ['apps/center', 'apps/kiosk', 'packages/card-sim'],
            message: 'The console talks to the center only through its console API (packages/shared describes it).',
          },
        ),
      ],
    },
  },
  {
    files: ['apps/kiosk/**/*.{ts,tsx}'],
    ignores: ['apps/kiosk/src/renderer/**'],
    rules: {
      'madoguchi/import-boundaries': [
        'error',
        boundaries(
          { packages: ['@madoguchi/center'], paths: ['apps/center'], message: 'The kiosk never imports the center: only packages/shared.' },
          {
            packages: ['@madoguchi/card-sim'],
            paths: ['packages/card-sim'],
            message:
              'The test-only card simulator is loaded by the demo reader alone ' +
              '(apps/kiosk/src/main/demo/demo-cards.ts, itself imported lazily): a production kiosk never carries it.',
          },
        ),
      ],
    },
  },
  {
    // The demo reader and the tests may use the virtual card.
    files: ['apps/kiosk/src/main/demo/demo-cards.ts', 'apps/kiosk/**/*.test.{ts,tsx}'],
    rules: {
      'madoguchi/import-boundaries': [
        'error',
        boundaries({
          packages: ['@madoguchi/center'],
          paths: ['apps/center'],
          message: 'The kiosk never imports the center: only packages/shared.',
        }),
      ],
    },
  },
  {
    files: ['apps/center/**/*.ts'],
    rules: {
      'madoguchi/import-boundaries': [
        'error',
        boundaries(
          { packages: ['@madoguchi/kiosk'], paths: ['apps/kiosk'], message: 'The center never imports the kiosk: only packages/shared.' },
          { packages: ['electron', 'react', 'react-dom', 'pcsclite'], message: 'The center is a server: no Electron, React or PC/SC.' },
        ),
      ],
    },
  },
  {
    // Tests and scripts use the packages as their users do, so an export a test needs is a visible,
    // named entry point (ARCHITECTURE.md, "Entry points"), not a path into another package's src/.
    files: ['test/**/*.{ts,tsx,js,mjs}', 'scripts/**/*.{ts,js,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/*/src/**', '**/packages/*/src/**'],
              message:
                'Import the package through its entry points (@madoguchi/center, @madoguchi/center/db, @madoguchi/kiosk/card, …; ' +
                'ARCHITECTURE.md, "Entry points"); add a subpath export if a test needs more.',
            },
          ],
        },
      ],
    },
  },
);
