/**
 * Shared by the e2e specs: start a system of one's own, drive the kiosk the way a resident does,
 * read the printed PDFs back, and look at what a screen says in which language.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';
import type { KioskLanguage, KioskView, Resident } from '@madoguchi/shared';
import { ja, en, zh, ko, vi, pt, type Catalog } from '@madoguchi/kiosk/i18n';
import { repoRoot, startDemoSystem, type DemoSystem, type StartOptions } from '../../scripts/system.js';
import { freshStateDir } from './state-templates.js';

/** The kiosk's own catalogs: what a screen must say is read from them, never retyped here. */
export const catalogs: Record<KioskLanguage, Catalog> = { ja, en, zh, ko, vi, pt };

export interface E2eSystem extends DemoSystem {
  /** Everything the center and kiosk processes logged during the run. */
  logs: string[];
}

/**
 * A system of this spec file's own, under .var/e2e-<name> (walking-skeleton.spec.ts uses .var/e2e),
 * started from a copy of this run's prepared world (state-templates.ts), so nothing a previous run or
 * another file did (an application, a PDF) survives into this one. Ports are free ones, so
 * Playwright runs two files side by side (workers: 2), each stopping its system in afterAll.
 */
export async function startE2eSystem(
  name: string,
  options: Pick<StartOptions, 'kioskIdleTimeoutMs' | 'kioskTestScreenHolds'> = {},
): Promise<E2eSystem> {
  const stateDir = join(repoRoot, '.var', `e2e-${name}`);
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (process.env.MADOGUCHI_VERBOSE) console.error(line);
  };
  // The kiosk walks need none of the demo's months of history (the console specs keep it).
  await freshStateDir(stateDir, 'no-history', log);
  const system = await startDemoSystem({ ...options, stateDir, history: false, log });
  return Object.assign(system, { logs });
}

/**
 * axe-core on a page of one frame, run in the page itself (AxeBuilder's legacy mode). The default mode
 * opens a blank page for every run to merge the frames' results, and parses axe-core's source there
 * again: twice the time for the same findings and passes (test/e2e/bench/axe-modes.bench.ts,
 * docs/benchmarks.md#test-suite-time). The legacy mode does not reach into cross-origin frames, so a
 * page with a frame fails here rather than being checked less; the kiosk and the console have none.
 *
 * axe-core's source (about half a megabyte) is put into a document once: AxeBuilder evaluates it twice
 * on every run, and the kiosk and the console are single-page apps whose document outlives many
 * screens. A document that already holds axe gets a no-op for the source; everything else (the
 * configuration, axe.run with the builder's context and options) is AxeBuilder's as before. A new
 * document (a navigation) has no window.axe and gets the source again (test/e2e/bench/axe-inject.bench.ts).
 */
export async function axeAnalyze(
  page: Page,
  configure: (builder: AxeBuilder) => AxeBuilder = (builder) => builder,
): Promise<Awaited<ReturnType<AxeBuilder['analyze']>>> {
  expect(
    page.frames().map((frame) => frame.url()),
    'the page has no frames (axe runs in the page itself)',
  ).toHaveLength(1);
  const inDocument = (await page.evaluate('typeof window.axe?.run === "function"')) === true;
  return configure(new AxeBuilder({ page, ...(inDocument ? { axeSource: AXE_ALREADY_IN_DOCUMENT } : {}) }).setLegacyMode()).analyze();
}

/** What AxeBuilder evaluates as axe-core's source in a document that already holds axe-core. */
const AXE_ALREADY_IN_DOCUMENT = 'void 0';

export const screen = (page: Page, name: string) => page.locator(`[data-screen="${name}"]`);

/**
 * The reason shown for a refused menu item: refused certificates are grouped by reason on the
 * menu, the reason said once per group, and each item points at it with aria-describedby.
 */
export const refusalReasonOf = (page: Page, certificateType: string) =>
  page.locator('.refusal-group', { has: page.locator(`[data-certificate-type="${certificateType}"]`) }).locator('.refusal');

export async function pdfText(path: string): Promise<string[]> {
  const proxy = await getDocumentProxy(new Uint8Array(readFileSync(path)));
  const { text } = await extractText(proxy, { mergePages: false });
  return (Array.isArray(text) ? text : [text]).map((t) => t.replace(/\s+/g, ''));
}

export const fullName = (r: Pick<Resident, 'name'>) => `${r.name.family}${r.name.given}`.replace(/\s+/g, '');
/**
 * The certificates printed so far, as the demo printer's output tray holds them: the kiosk deletes
 * its spool file as soon as a print is done (nothing of a resident stays on the kiosk), so the
 * demo printer hands a copy to the tray the way a real printer hands over paper.
 */
export const printedPdfs = (system: DemoSystem) => {
  try {
    return readdirSync(system.printedDir).filter((f) => f.endsWith('.pdf'));
  } catch {
    return []; // nothing printed yet: the tray is made by the first print
  }
};

/** What the kiosk's spool holds: nothing once every print's result is known. */
export const spoolFiles = (system: DemoSystem) => {
  try {
    return readdirSync(system.spoolDir);
  } catch {
    return [];
  }
};

/**
 * Runs `fn` with a printer that fails: the spool directory is made a plain file, so no PDF can be
 * written (the kiosk reports ISSUANCE_PRINT_FAILED and refunds). The directory is back afterwards.
 */
export async function withBrokenPrinter<T>(system: DemoSystem, fn: () => Promise<T>): Promise<T> {
  rmSync(system.spoolDir, { recursive: true, force: true });
  writeFileSync(system.spoolDir, '');
  try {
    return await fn();
  } finally {
    rmSync(system.spoolDir, { force: true });
    mkdirSync(system.spoolDir, { recursive: true });
  }
}

/** From the options screen: pays 500円 while the printer is broken, and waits for the error screen. */
export async function payIntoPrintFailure(page: Page, system: DemoSystem): Promise<void> {
  await walkOptionsWithDefaults(page);
  await withBrokenPrinter(system, async () => {
    await page.locator('button[data-yen="500"]').click();
    await expect(screen(page, 'error')).toBeVisible({ timeout: 30_000 });
  });
  await expect(screen(page, 'error').locator('[data-error-code]')).toHaveAttribute('data-error-code', 'ISSUANCE_PRINT_FAILED');
}

export function residentOf(system: DemoSystem, residentId: string): Resident {
  const resident = system.demo.batch.residents.find((r) => r.residentId === residentId);
  if (!resident) throw new Error(`no demo resident ${residentId}`);
  return resident;
}

/** The resident's ordinary card (not one of the edge cards: expired, revoked, locked, …). */
export function cardOf(system: DemoSystem, residentId: string) {
  const card = system.cards.find((c) => c.residentId === residentId && !c.edge);
  if (!card) throw new Error(`no demo card for ${residentId}`);
  return card;
}

/** The view as the kiosk main process holds it (the bridge's GET /bridge/view, with the page's token). */
export async function kioskView(page: Page, system: DemoSystem): Promise<KioskView> {
  const url = new URL(system.kioskUrl);
  const res = await page.request.get(`${url.origin}/bridge/view`, { headers: { 'X-Kiosk-Token': url.searchParams.get('token')! } });
  expect(res.status()).toBe(200);
  return (await res.json()) as KioskView;
}

/** Opens the kiosk at its start screen with no card on the reader (a previous test may have left one). */
export async function openKiosk(page: Page, system: DemoSystem): Promise<void> {
  await page.goto(system.kioskUrl);
  await expect(screen(page, 'idle')).toBeVisible();
  const view = await kioskView(page, system);
  if (view.cardPresent) await page.locator('[data-demo-panel] .demo-remove').click();
  await expect(page.locator('[data-demo-panel] .demo-card-state')).toHaveAttribute('data-card-present', 'false');
}

/** The start screen → place the card → the PIN pad, in whatever language the kiosk shows. */
export async function startAndPlaceCard(page: Page, cardId: string, words: Catalog = ja): Promise<void> {
  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await expect(screen(page, 'placeCard')).toBeVisible();
  await page.locator(`[data-card-id="${cardId}"]`).click();
  await expect(screen(page, 'pin')).toBeVisible();
}

/** Keys the PIN on the shuffled pad (by the digit each key shows) and submits it. */
export async function enterPin(page: Page, pin: string, words: Catalog = ja): Promise<void> {
  for (const digit of pin) await screen(page, 'pin').getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: words.pin.submit, exact: true }).click();
}

/**
 * Walks the option steps with their defaults (whole household, standard items, one copy) until the
 * payment screen. Each step is named by the screen's data-step, so a click is only made once the
 * previous one has taken effect.
 */
export async function walkOptionsWithDefaults(page: Page, words: Catalog = ja, onStep?: (step: string) => Promise<void>): Promise<void> {
  const step = page.locator('[data-screen="options"] .options-step');
  for (let n = 0; n < 10; n++) {
    await expect(screen(page, 'options').or(screen(page, 'payment'))).toBeVisible();
    if (await screen(page, 'payment').isVisible()) return;
    const name = (await step.getAttribute('data-step')) ?? '';
    await onStep?.(name);
    if (name === 'scope') await page.getByRole('button', { name: words.options.wholeHousehold, exact: true }).click();
    else await screen(page, 'options').getByRole('button', { name: words.common.next, exact: true }).click();
    await expect(step.and(page.locator(`[data-step="${name}"]`))).toHaveCount(0);
  }
  await expect(screen(page, 'payment')).toBeVisible();
}

/** Hiragana, katakana, CJK ideographs, half-width katakana. */
export const JAPANESE_SCRIPT = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/u;
/** Kana only: Chinese shares the ideographs, so for zh only kana can tell a Japanese string. */
export const KANA = /[\u3040-\u30ff\uff66-\uff9f]/u;

/**
 * The text of the resident's screen that is not marked as another language on purpose: elements with
 * lang="ja" (the certificate's Japanese name, the municipality, the Japanese word beside a
 * translated label, names as registered) and the demo tools (the card panel, the demo cash) are left
 * out; whatever remains must be in the chosen language.
 */
export async function textOutsideJapanese(page: Page, language: KioskLanguage): Promise<string> {
  return page.locator('main.screen').evaluate((main, lang) => {
    const copy = main.cloneNode(true) as typeof main;
    // Also any text marked as another language on purpose (the language buttons name themselves: 中文, 한국어).
    for (const el of copy.querySelectorAll('[lang], .demo, [data-demo-panel]')) if (el.getAttribute('lang') !== lang) el.remove();
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  }, language);
}

/** Every leaf string of a catalog (errors included). */
export function catalogStrings(catalog: Catalog): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') out.push(node);
    else if (node && typeof node === 'object') for (const value of Object.values(node)) walk(value);
  };
  walk(catalog);
  return out;
}

/**
 * The screen is in `language`: the page says so (html lang), the heading is the chosen catalog's
 * text, and no Japanese is left outside the parts marked lang="ja" — no Japanese-only UI string.
 */
export async function expectScreenInLanguage(page: Page, language: KioskLanguage, name: string, heading: string): Promise<void> {
  await expect(screen(page, name)).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(page.locator('.kiosk')).toHaveAttribute('lang', language);
  await expect(screen(page, name).locator('h1')).toHaveText(heading);
  await expect(screen(page, name).locator('.service-name')).toHaveText(catalogs[language].app.title);
  if (language === 'ja') return;
  const text = await textOutsideJapanese(page, language);
  expect(text.length).toBeGreaterThan(0);
  const japanese = language === 'zh' ? KANA : JAPANESE_SCRIPT;
  expect(text, `${name}: Japanese outside lang="ja" in the ${language} screen`).not.toMatch(japanese);
  // And no Japanese catalog text that has a translation (for zh, whose words may share ideographs).
  const own = new Set(catalogStrings(catalogs[language]));
  for (const jaText of catalogStrings(ja).filter((t) => !own.has(t) && !t.includes('{{') && JAPANESE_SCRIPT.test(t) && t.length > 2)) {
    expect(text, `${name}: Japanese catalog text «${jaText}» in the ${language} screen`).not.toContain(jaText);
  }
}
