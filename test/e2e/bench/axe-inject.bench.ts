/**
 * What putting axe-core's source into a document once saves each axe run (support.ts's axeAnalyze)
 * against AxeBuilder's legacy mode as it comes, which evaluates the half-megabyte source twice on
 * every run, on the same kiosk screens in one run, alternating which goes first. Both must find the
 * same violations and the same passes: checked on every pair.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { axeAnalyze, cardOf, catalogs, openKiosk, screen, startE2eSystem, type E2eSystem } from '../support.js';

let system: E2eSystem;
test.beforeAll(async () => {
  test.setTimeout(600_000);
  system = await startE2eSystem('axe-bench');
});
test.afterAll(async () => {
  await system?.stop();
});

const ROUNDS = Number(process.env.AXE_BENCH_ROUNDS ?? 5);

async function timed(page: Page, once: boolean, highContrast: boolean) {
  const configure = (builder: AxeBuilder) => {
    const excluded = builder.exclude('[data-demo-panel]');
    return highContrast ? excluded.options({ rules: { 'color-contrast-enhanced': { enabled: true } } }) : excluded;
  };
  const started = performance.now();
  const results = once ? await axeAnalyze(page, configure) : await configure(new AxeBuilder({ page }).setLegacyMode()).analyze();
  const ms = performance.now() - started;
  const found = results.violations.map((v) => `${v.id}:${v.nodes.length}`).sort();
  const passed = results.passes.map((v) => `${v.id}:${v.nodes.length}`).sort();
  return { ms, found, passed };
}

test('axe-core on kiosk screens: the source evaluated on every run against once a document, alternating', async ({ page }) => {
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
  const times = { everyRun: [] as number[], once: [] as number[] };
  for (const [name, reach] of screens) {
    await reach();
    for (let round = 0; round < ROUNDS; round++) {
      const highContrast = round % 2 === 1;
      const order = round % 2 === 0 ? [false, true] : [true, false];
      const runs = [];
      for (const once of order) {
        const run = await timed(page, once, highContrast);
        (once ? times.once : times.everyRun).push(run.ms);
        runs.push(run);
      }
      expect(runs[0]!.found, `${name}: the same findings either way`).toEqual(runs[1]!.found);
      expect(runs[0]!.passed, `${name}: the same passes either way`).toEqual(runs[1]!.passed);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const line = (way: 'everyRun' | 'once') =>
    `${way}: ${times[way].length} runs, median ${median(times[way]).toFixed(0)} ms, total ${(sum(times[way]) / 1000).toFixed(1)} s`;
  console.info('axe-core per run on kiosk screens (idle, pin; default modes and high contrast):');
  console.info(line('everyRun'));
  console.info(line('once'));
  console.info(`once / every run: x${(sum(times.once) / sum(times.everyRun)).toFixed(2)} of the time`);
});
