import { configDefaults, defineConfig } from 'vitest/config';

// Unit tests sit next to their module; cross-process tests live in test/. Playwright specs
// (*.spec.ts under test/e2e) are run by Playwright, not here.

/**
 * Integration files that assert a time bound from an acceptance line (test/README.md) or run faulted
 * load: they run alone, after the rest, so no other file of this run shares the machine with them.
 */
const runAlone = [
  'test/center/verify-document-dos.test.ts',
  'test/card/faulty-card.test.ts',
  // Faulted load runs: restarts and timers under load, and a rolling restart that must show no failure.
  'test/load/load-faults.test.ts',
  // Load runs cut short by their time limit and by SIGINT: center processes, and a limit in seconds.
  'test/load/cut-short.test.ts',
];

/**
 * The fuzz targets bound each answer (1 s, acceptance 4): after the rest, two at a time, each then
 * with a core of its own and no other file beside it. Their slowest answers in the CI run of 1,717 s
 * were 12-93 ms; one at a time they held a core idle for 70 s (docs/benchmarks.md#test-suite-time).
 */
const fuzz = ['test/fuzz/**/*.test.ts'];

/**
 * Unit files that need a worker of their own (vitest's default): the rendering code's harfbuzz subsetter
 * (forgery.test.ts failed with hb_subset_or_fail after other rendering files in a shared worker), and
 * files that mock modules, fake timers, stub the environment or spy on a shared module's export.
 * Every other unit file shares its worker's imported modules with the files before it (isolate: false):
 * each file imported its own copy of the same modules, 109 s of the unit files' 185 s (docs/benchmarks.md#test-suite-time).
 */
const unitIsolated = [
  'apps/center/src/rendering/**/*.test.ts',
  'apps/kiosk/src/main/session/pin-secrecy.test.ts',
  'apps/kiosk/src/main/session/idle-timer.test.ts',
  'apps/kiosk/src/main/session/kiosk-session-accessibility.test.ts',
  'apps/kiosk/src/renderer/dev/fake-bridge.test.ts',
  'apps/center/src/issuance/test-render-delay.test.ts',
  'apps/center/src/billing/statement-files.test.ts',
  'packages/card-sim/src/iphone-token.test.ts',
];

/** Files at a time (2: one a core); MADOGUCHI_TEST_WORKERS=1 runs them one after another again. */
const workers = Number(process.env.MADOGUCHI_TEST_WORKERS ?? 2);

const integration = {
  include: ['test/**/*.test.ts'],
  exclude: [...configDefaults.exclude, 'test/e2e/**'],
  environment: 'node',
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // In the same group as the integration files, so the same two workers (vitest's default is cores - 1).
          maxWorkers: workers,
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, ...unitIsolated],
          isolate: false,
          environment: 'node',
          // Some unit tests do real crypto (RSA keys, signatures) and PDF work; a shared 2-core
          // machine under load needs headroom. Speed is measured by benchmarks, not here.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-isolated',
          maxWorkers: workers,
          include: unitIsolated,
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          ...integration,
          name: 'integration',
          exclude: [...integration.exclude, ...fuzz, ...runAlone],
          // Every file brings its own servers on free ports, temp dirs and namespaces (pcscd), and a
          // database of its own on the run's PostgreSQL: two files at a time, one a core.
          maxWorkers: workers,
          globalSetup: ['test/support/postgres-for-run.ts'],
        },
      },
      {
        extends: true,
        test: {
          ...integration,
          name: 'integration-fuzz',
          include: fuzz,
          maxWorkers: workers,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          ...integration,
          name: 'integration-alone',
          include: runAlone,
          // After everything else, one file at a time: these assert an acceptance line's time bound.
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
    resolve: {},
  },
  resolve: { conditions: ['source'] },
});
