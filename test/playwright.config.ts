import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (none can be downloaded here). The networking
// flags keep Chromium from flooding the closed network with refused connections.
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  // Every spec file starts a system of its own (free ports, .var/e2e-<name>, its own PostgreSQL);
  // a file's tests share it and run in order in one worker. The console builds are made first.
  // And this run's prepared worlds, which the specs copy, are made anew (e2e/state-templates.ts).
  globalSetup: ['./support/console-builds-for-e2e.ts', './e2e/state-templates.ts'],
  // MADOGUCHI_TEST_WORKERS=1: one file at a time, as vitest.config.ts reads it.
  workers: Number(process.env.MADOGUCHI_TEST_WORKERS ?? 2),
  retries: 0,
  reporter: 'list',
  outputDir: '../.var/test-results/playwright',
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
