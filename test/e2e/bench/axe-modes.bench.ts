/**
 * What one axe-core run costs the accessibility spec, in AxeBuilder's default mode against its legacy
 * mode, on the same kiosk screens in one run (docs/benchmarks.md#test-suite-time). The default mode
 * parses axe-core's source into the page and then into a new blank page opened for each run, where
 * it merges the frames' partial results; the legacy mode runs axe.run in the page itself. The kiosk
 * and the console have no frames, so both modes must find the same thing: checked on every pair.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { cardOf, catalogs, openKiosk, screen, startE2eSystem, type E2eSystem } from '../support.js';

let system: E2eSystem;
test.beforeAll(async () => {
  test.setTimeout(600_000);
  system = await startE2eSystem('axe-bench');
});
test.afterAll(async () => {
  await system?.stop();
});

const ROUNDS = Number(process.env.AXE_BENCH_ROUNDS ?? 5);

async function timed(page: Page, legacy: boolean, highContrast: boolean) {
  let builder = new AxeBuilder({ page }).exclude('[data-demo-panel]').setLegacyMode(legacy);
  if (highContrast) builder = builder.options({ rules: { 'color-contrast-enhanced': { enabled: true } } });
  const started = performance.now();
  const results = await builder.analyze();
  const ms = performance.now() - started;
  const found = results.violations.map((v) => `${v.id}:${v.nodes.length}`).sort();
  const passed = results.passes.map((v) => `${v.id}:${v.nodes.length}`).sort();
  return { ms, found, passed };
}

test('axe-core on kiosk screens: the default mode against the legacy mode, alternating', async ({ page }) => {
  test.setTimeout(600_000);
  await openKiosk(page, system);
  const card = cardOf(system, system.demo.featured.ordinary);
  const screens: [string, () => Promise<void>][] = [
    ['idle', async () => {}],
    [
      'pin',
      async () => {
        await page.getByRole('button', { name: catalogs.ja.idle.start, exact: true }).click();
        await page.locator(`[data-card-id="${card.cardId}"]`).click();
        await expect(screen(page, 'pin')).toBeVisible();
      },
    ],
  ];
  const times = { default: [] as number[], legacy: [] as number[] };
  for (const [name, reach] of screens) {
    await reach();
    for (let round = 0; round < ROUNDS; round++) {
      const highContrast = round % 2 === 1;
      // Alternating which goes first, so neither always meets a warmer page.
      const order = round % 2 === 0 ? [false, true] : [true, false];
      const runs = [];
      for (const legacy of order) {
        const run = await timed(page, legacy, highContrast);
        (legacy ? times.legacy : times.default).push(run.ms);
        runs.push(run);
      }
      expect(runs[0]!.found, `${name}: the same findings in both modes`).toEqual(runs[1]!.found);
      expect(runs[0]!.passed, `${name}: the same passes in both modes`).toEqual(runs[1]!.passed);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const line = (mode: 'default' | 'legacy') =>
    `${mode}: ${times[mode].length} runs, median ${median(times[mode]).toFixed(0)} ms, total ${(sum(times[mode]) / 1000).toFixed(1)} s`;
  console.info(`axe-core per run on kiosk screens (idle, pin; default modes and high contrast):`);
  console.info(line('default'));
  console.info(line('legacy'));
  console.info(`legacy / default: x${(sum(times.legacy) / sum(times.default)).toFixed(2)} of the time`);
});
