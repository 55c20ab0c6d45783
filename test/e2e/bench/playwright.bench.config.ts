import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.js';

// Benchmarks of the end-to-end tests' own machinery, in the specs' browser; never part of CI's run
// (their names end in .bench.ts, which the main config does not match). Run with
//   corepack pnpm exec playwright test -c test/e2e/bench/playwright.bench.config.ts
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '**/*.bench.ts',
  globalSetup: ['../../support/console-builds-for-e2e.ts', '../state-templates.ts'],
  workers: 1,
  outputDir: '../../../.var/test-results/playwright-bench',
});
