import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests sit next to their module; cross-process tests live in test/. Playwright specs
// (*.spec.ts under test/e2e) are run by Playwright, not here.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude],
          environment: 'node',
          // Some unit tests do real crypto (RSA keys, signatures) and PDF work; a shared 2-core
          // machine under load needs headroom. Speed is measured by benchmarks, not here.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start real servers (pcscd, PostgreSQL, HTTPS); run files one at a time.
          fileParallelism: false,
        },
      },
    ],
    resolve: {},
  },
  resolve: { conditions: ['source'] },
});
