/**
 * Pictures of the main kiosk screens at the kiosk's 1280×800, for people to look at (docs/kiosk/
 * README.md lists them). Each screen is reached the way a resident reaches it and checked for what
 * it must show before it is taken. By default the PNGs go to .var/kiosk-screenshots, so an ordinary
 * test run leaves the tree alone; KIOSK_SCREENSHOTS=docs writes them to docs/kiosk/ instead:
 *
 *   KIOSK_SCREENSHOTS=docs corepack pnpm exec playwright test -c test/playwright.config.ts screenshots
 *
 * Next to the pictures, layout.json records per screen what is hard to see in a picture: whether the
 * screen body has to scroll, which elements' text is wider than their box, and the smallest font
 * size of the resident's text (the demo tools left out).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repoRoot } from '../../scripts/system.js';
import {
  cardOf,
  catalogs,
  enterPin,
  openKiosk,
  residentOf,
  screen,
  startAndPlaceCard,
  startE2eSystem,
  payIntoPrintFailure,
  walkOptionsWithDefaults,
  type E2eSystem,
} from './support.js';

const ja = catalogs.ja;
const en = catalogs.en;
const outDir = process.env.KIOSK_SCREENSHOTS === 'docs' ? join(repoRoot, 'docs', 'kiosk') : join(repoRoot, '.var', 'kiosk-screenshots');
let system: E2eSystem;

interface Layout {
  screen: string;
  bodyScrolls: boolean;
  overflowing: string[];
  smallestFontPx: number;
}
const layouts: Layout[] = [];

test.beforeAll(async () => {
  test.setTimeout(600_000);
  mkdirSync(outDir, { recursive: true });
  system = await startE2eSystem('screenshots');
});

test.afterAll(async () => {
  writeFileSync(
    join(outDir, 'layout.json'),
    `${JSON.stringify(
      layouts.sort((a, b) => a.screen.localeCompare(b.screen)),
      null,
      2,
    )}\n`,
  );
  await system?.stop();
});

/**
 * Runs in the page; written as source text because this package is type-checked without the DOM library.
 * Overflow: an element whose content is wider than its box where that is clipped or scrolled, or a
 * button, list item or text box that sticks out of its parent.
 */
const measureLayout = new Function(
  'main',
  `
  const body = main.querySelector('.screen-body');
  const overflowing = [];
  let smallest = Infinity;
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '');
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('.demo, .visually-hidden')) continue;
    const style = getComputedStyle(el);
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') {
      overflowing.push(name(el) + ' scrolls sideways (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
    }
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent || '').trim() !== '');
    if (ownText && el.getClientRects().length > 0) smallest = Math.min(smallest, parseFloat(style.fontSize));
    if (el.matches('button, li, p, h1, dd, dt, span, output') && el.parentElement && el.parentElement !== main) {
      const r = el.getBoundingClientRect();
      const parent = el.parentElement.getBoundingClientRect();
      if (r.width > 0 && (r.right > parent.right + 1 || r.left < parent.left - 1)) {
        overflowing.push(name(el) + ' sticks out of ' + name(el.parentElement));
      }
    }
  }
  return { bodyScrolls: body.scrollHeight > body.clientHeight + 1, overflowing, smallestFontPx: smallest };
`,
) as (main: unknown) => Omit<Layout, 'screen'>;

/** Saves `<name>.png` of the whole window and records the layout facts of the screen. */
async function shoot(page: Page, name: string) {
  await expect(page.locator('main.screen')).toBeVisible();
  // Let the fonts settle; the card animation and spinners are frozen for the picture.
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await page.screenshot({ path: join(outDir, `${name}.png`), animations: 'disabled', caret: 'hide' });
  const layout = await page.locator('main.screen').evaluate(measureLayout);
  layouts.push({ screen: name, ...layout });
}

/** The kiosk at the start, in Japanese (whatever a previous test left). */
async function startInJapanese(page: Page) {
  await openKiosk(page, system);
  await page.locator('.language-choice button[lang="ja"]').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
}

async function signIn(page: Page, residentId: string) {
  const card = cardOf(system, residentId);
  await startAndPlaceCard(page, card.cardId);
  await enterPin(page, card.pin);
  await expect(screen(page, 'menu')).toBeVisible();
}

test('idle, PIN, options, payment and done (a 住民票の写し, in Japanese)', async ({ page }) => {
  await startInJapanese(page);
  await expect(screen(page, 'idle').locator('h1')).toHaveText(ja.idle.heading);
  await shoot(page, 'idle');

  const card = cardOf(system, system.demo.featured.ordinary);
  await startAndPlaceCard(page, card.cardId);
  for (const digit of card.pin.slice(0, 2)) await screen(page, 'pin').getByRole('button', { name: digit, exact: true }).click();
  await expect(page.locator('.pin-dots .dot.filled')).toHaveCount(2);
  await shoot(page, 'pin');
  await page.getByRole('button', { name: ja.pin.delete }).click();
  await page.getByRole('button', { name: ja.pin.delete }).click();
  await expect(page.locator('.pin-dots .dot.filled')).toHaveCount(0);
  await enterPin(page, card.pin);

  await expect(screen(page, 'menu')).toBeVisible();
  await shoot(page, 'menu');
  await page.locator('[data-certificate-type="residenceRecord"]').click();
  await walkOptionsWithDefaults(page, ja, async (step) => {
    if (step === 'scope') await shoot(page, 'options-scope');
    if (step === 'items') await shoot(page, 'options-items');
  });
  await expect(page.getByTestId('amount-due')).not.toHaveAttribute('data-yen', '0');
  await page.locator('button[data-yen="100"]').click();
  await expect(page.getByTestId('amount-paid')).toHaveAttribute('data-yen', '100');
  await shoot(page, 'payment');
  await page.locator('button[data-yen="500"]').click();
  await expect(screen(page, 'done')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('take-change')).toBeVisible();
  await shoot(page, 'done');
  await page.getByRole('button', { name: ja.done.finish, exact: true }).click();
  await expect(screen(page, 'idle')).toBeVisible();
});

test('the menu with a refusal, and the 本籍地 registration offer and confirmation', async ({ page }) => {
  await startInJapanese(page);
  await signIn(page, system.demo.featured.householdOfPendingMoveOut);
  await expect(page.locator('[data-certificate-type="residenceRecord"]')).toBeDisabled();
  await shoot(page, 'menu-refusal');
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(ja.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();

  await signIn(page, system.demo.featured.domicileInOtherServedMunicipality);
  await expect(page.getByTestId('apply-domicile-registration')).toBeVisible();
  await shoot(page, 'menu-domicile-offer');
  await page.getByTestId('apply-domicile-registration').click();
  await expect(screen(page, 'domicileConfirm')).toBeVisible();
  await expect(page.getByTestId('domicile-approval-days')).toHaveText(ja.domicile.approvalTakesDays);
  await shoot(page, 'domicile-confirm');
  // Not applied: back to the menu and out.
  await screen(page, 'domicileConfirm')
    .getByRole('button', { name: new RegExp(ja.common.back) })
    .click();
  await expect(screen(page, 'menu')).toBeVisible();
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(ja.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
});

test('one screen in English: the foreign resident’s menu', async ({ page }) => {
  await startInJapanese(page);
  await page.locator('.language-choice button[lang="en"]').click();
  await expect(screen(page, 'idle').locator('h1')).toHaveText(en.idle.heading);
  const resident = residentOf(system, system.demo.featured.foreignResident);
  const card = cardOf(system, resident.residentId);
  await startAndPlaceCard(page, card.cardId, en);
  await enterPin(page, card.pin, en);
  await expect(screen(page, 'menu').locator('h1')).toHaveText(en.menu.heading);
  await shoot(page, 'menu-en');
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(en.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();
});

test('the error screen after a print failure, with the money returned', async ({ page }) => {
  await startInJapanese(page);
  await signIn(page, system.demo.featured.ordinary);
  await page.locator('[data-certificate-type="residenceRecord"]').click();
  await payIntoPrintFailure(page, system);
  await expect(page.getByTestId('refund')).toHaveClass('refund');
  await shoot(page, 'error');
  await page.getByRole('button', { name: ja.error.finish, exact: true }).click();
  await expect(screen(page, 'idle')).toBeVisible();
});
