/**
 * The kiosk for residents who see less well or need more time (issue 13, item 6), on the real
 * system: every screen of packages/shared/src/api/kiosk-screens.ts, and the iPhone's "confirm on your
 * phone", in each of the six languages, is checked by axe-core (no serious or critical violation)
 * and for touch targets (every button at least 44 × 44 CSS px), as it first shows and with larger
 * text and high contrast both switched from its header (axe on both in Japanese, see audit()); in
 * high contrast, axe's AAA contrast rule (7:1 for text) must pass too. The passing "please wait"
 * screens (reading the card, checking, quoting, issuing, printing, applying) go by in milliseconds:
 * the kiosk is started with its tests-only screen holds (session/screen-holds.ts, demo mode only),
 * so the spec holds each one still while it checks it and then lets the step go on. A last test
 * fails if the walks left a screen of the table unchecked in any language. The modes last
 * for the session and the next resident starts without them. Then the idle warning: the kiosk's
 * idle reset is shortened to IDLE_TIMEOUT_MS, so its 30 s countdown comes after 15 s untouched.
 */
import { expect, test, type Page } from '@playwright/test';
import { screenIntents, type KioskLanguage } from '@madoguchi/shared';
import {
  axeAnalyze,
  cardOf,
  catalogs,
  enterPin,
  kioskView,
  openKiosk,
  screen,
  startE2eSystem,
  walkOptionsWithDefaults,
  withBrokenPrinter,
  type E2eSystem,
} from './support.js';

/** The idle warning shows for the last 30 s (the session's default), so 15 s after the last touch. */
const IDLE_TIMEOUT_MS = 45_000;
const MIN_TARGET_PX = 44;

let system: E2eSystem;
/** What each language's walk checked, for the last test to hold the coverage to account. */
const audited = new Map<KioskLanguage, Set<string>>();
/** The screens of kiosk-screens.ts (and the iPhone's confirmation) checked in each language. */
const visited = new Map<KioskLanguage, Set<string>>();

test.beforeAll(async () => {
  test.setTimeout(600_000);
  system = await startE2eSystem('accessibility', { kioskIdleTimeoutMs: IDLE_TIMEOUT_MS, kioskTestScreenHolds: true });
});

test.afterAll(async () => {
  await system?.stop();
});

/**
 * Buttons, links and form fields on the page that are smaller than a fingertip, as `name w×h`.
 * Runs in the page; source text because this package is type-checked without the DOM library.
 */
const smallTargets = new Function(
  'min',
  `
  const out = [];
  const targets = 'button, a[href], input, select, textarea, [role="button"], [role="checkbox"], [role="radio"]';
  for (const el of document.querySelectorAll(targets)) {
    const r = el.getBoundingClientRect();
    if (el.getClientRects().length === 0 || el.closest('[hidden]')) continue;
    if (r.width < min || r.height < min) {
      const name = el.getAttribute('data-display-mode') || el.className || el.tagName;
      out.push(name + ' «' + (el.textContent || '').trim().slice(0, 30) + '» ' + Math.round(r.width) + '×' + Math.round(r.height));
    }
  }
  return out;
`,
) as (min: number) => string[];

/**
 * axe-core's serious and critical findings (and, in high contrast, any text under 7:1), as readable
 * lines. The demo panel is left out: a developer's tool that a real kiosk never shows, and with its
 * long card list it would be most of axe's work.
 */
async function axeFindings(page: Page, highContrast: boolean): Promise<string[]> {
  const { violations } = await axeAnalyze(page, (builder) => {
    const besideTheDemoPanel = builder.exclude('[data-demo-panel]');
    return highContrast ? besideTheDemoPanel.options({ rules: { 'color-contrast-enhanced': { enabled: true } } }) : besideTheDemoPanel;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || (highContrast && v.id === 'color-contrast-enhanced'))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function setMode(page: Page, mode: 'largeText' | 'highContrast', on: boolean) {
  const toggle = page.locator(`main.screen [data-display-mode="${mode}"]`);
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(on));
}

/** Both modes on or both off, switched from the screen's own header as a resident would. */
async function setBothModes(page: Page, on: boolean) {
  await setMode(page, 'largeText', on);
  await setMode(page, 'highContrast', on);
  await expect(page.locator('.kiosk')).toHaveClass(on ? /large-text high-contrast/ : /^kiosk( with-demo)?$/);
}

async function expectAccessible(page: Page, where: string, highContrast: boolean) {
  expect(await axeFindings(page, highContrast), `axe on ${where}`).toEqual([]);
  expect(await page.evaluate(smallTargets, MIN_TARGET_PX), `targets under ${MIN_TARGET_PX} px on ${where}`).toEqual([]);
}

/**
 * The screen in the modes it came up in, then with both modes flipped: no small target in either.
 * axe runs on both in Japanese (the kiosk's first language), and in each other language once, in
 * the modes the screen came up in (the modes are left flipped, so successive screens alternate
 * between default and both modes): every screen is checked by axe in every language, and in both
 * modes in Japanese. (Each axe run costs seconds of fixed work: both ways in all six languages made
 * this spec take 20 minutes on a loaded 2-core machine, against a suite budget well under 30.)
 */
async function audit(page: Page, language: KioskLanguage, name: string) {
  await expect(page.locator('main.screen')).toBeVisible();
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await keepAlive(page);
  const on = (await page.locator('main.screen [data-display-mode="highContrast"]').getAttribute('aria-pressed')) === 'true';
  await setBothModes(page, on);
  await expectAccessible(page, `${language} ${name} (${on ? 'both modes' : 'default'})`, on);
  await keepAlive(page);
  await setBothModes(page, !on);
  const where = `${language} ${name} (${on ? 'default' : 'both modes'})`;
  if (language === 'ja') await expectAccessible(page, where, !on);
  else expect(await page.evaluate(smallTargets, MIN_TARGET_PX), `targets under ${MIN_TARGET_PX} px on ${where}`).toEqual([]);
  await keepAlive(page);
  setOf(audited, language).add(name);
  // 'options-scope' is the options screen, 'menu-domicile-offer' the menu.
  setOf(visited, language).add(name.split('-')[0]!);
}

/**
 * A touch, as "continue" on the idle warning: on a loaded machine one axe run has taken 30 s, and the
 * kiosk's shortened idle timer (warning after 15 s, reset after 45 s) would otherwise end the walk.
 */
async function keepAlive(page: Page) {
  const url = new URL(system.kioskUrl);
  const res = await page.request.post(`${url.origin}/bridge/intent`, {
    headers: { 'X-Kiosk-Token': url.searchParams.get('token')! },
    data: { type: 'continueSession' },
  });
  expect(res.status()).toBe(204);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
}

function setOf(map: Map<KioskLanguage, Set<string>>, language: KioskLanguage): Set<string> {
  if (!map.has(language)) map.set(language, new Set());
  return map.get(language)!;
}

type HeldScreen =
  'readingCard' | 'authenticating' | 'phoneConfirmation' | 'quoting' | 'issuing' | 'printing' | 'domicileApplying' | 'awaitingResident';

/** Holds a passing screen still (or lets it go on): the kiosk's tests-only hook, over its bridge with the page's token. */
async function holdScreen(page: Page, screenName: HeldScreen, held: boolean) {
  const url = new URL(system.kioskUrl);
  const res = await page.request.post(`${url.origin}/bridge/test-screen-hold`, {
    headers: { 'X-Kiosk-Token': url.searchParams.get('token')! },
    data: { screen: screenName, held },
  });
  expect(res.status(), `hold ${screenName}`).toBe(204);
}

/**
 * `act` leads to the passing screen `name`, held still while it is audited; the step goes on
 * afterwards. The iPhone's confirmation is the authenticating screen with the phone's heading.
 */
async function auditHeld(page: Page, language: KioskLanguage, name: HeldScreen, act: () => Promise<void>, audits = auditOne) {
  await holdScreen(page, name, true);
  await act();
  if (name === 'phoneConfirmation')
    await expect(screen(page, 'authenticating').locator('h1')).toHaveText(catalogs[language].authenticating.phoneHeading);
  else await expect(screen(page, name)).toBeVisible({ timeout: 30_000 });
  await audits(page, language, name);
  await holdScreen(page, name, false);
}

const auditOne = (page: Page, language: KioskLanguage, name: string) => audit(page, language, name);

/**
 * A screen that one walk reaches only once (the 本籍地 application), checked in every language: the
 * language is switched over the bridge, since only the start screen offers the choice.
 */
async function auditInEveryLanguage(page: Page, _language: KioskLanguage, name: string) {
  const url = new URL(system.kioskUrl);
  for (const language of languages) {
    const res = await page.request.post(`${url.origin}/bridge/intent`, {
      headers: { 'X-Kiosk-Token': url.searchParams.get('token')! },
      data: { type: 'setLanguage', language },
    });
    expect(res.status()).toBe(204);
    await expect(page.locator('.kiosk')).toHaveAttribute('lang', language);
    await audit(page, language, name);
  }
}

/** Start, card, PIN: the screens up to the menu, each audited on the way. */
async function signIn(page: Page, language: KioskLanguage, cardId: string, pin: string) {
  const words = catalogs[language];
  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await expect(screen(page, 'placeCard')).toBeVisible();
  await audit(page, language, 'placeCard');
  await auditHeld(page, language, 'readingCard', () => page.locator(`[data-card-id="${cardId}"]`).click());
  await expect(screen(page, 'pin')).toBeVisible();
  await audit(page, language, 'pin');
  await auditHeld(page, language, 'authenticating', () => enterPin(page, pin, words));
  await expect(screen(page, 'menu')).toBeVisible({ timeout: 30_000 });
}

/** Walks the option steps with their defaults, each audited, up to the quoting screen, held and audited there. */
async function optionsToPayment(page: Page, language: KioskLanguage) {
  const words = catalogs[language];
  const step = page.locator('[data-screen="options"] .options-step');
  await holdScreen(page, 'quoting', true);
  for (let n = 0; n < 10 && !(await screen(page, 'quoting').isVisible()); n++) {
    await expect(screen(page, 'options').or(screen(page, 'quoting'))).toBeVisible();
    if (await screen(page, 'quoting').isVisible()) break;
    const name = (await step.getAttribute('data-step')) ?? '';
    await audit(page, language, `options-${name}`);
    if (name === 'scope') await page.getByRole('button', { name: words.options.wholeHousehold, exact: true }).click();
    else await screen(page, 'options').getByRole('button', { name: words.common.next, exact: true }).click();
    await expect(step.and(page.locator(`[data-step="${name}"]`))).toHaveCount(0);
  }
  await expect(screen(page, 'quoting')).toBeVisible();
  await audit(page, language, 'quoting');
  await holdScreen(page, 'quoting', false);
  await expect(screen(page, 'payment')).toBeVisible({ timeout: 30_000 });
}

/** A 住民票の写し from the menu: each option step, the payment and the done screen, then finish. */
async function issueAndFinish(page: Page, language: KioskLanguage) {
  const words = catalogs[language];
  await page.locator('[data-certificate-type="residenceRecord"]').click();
  await optionsToPayment(page, language);
  await audit(page, language, 'payment');
  await holdScreen(page, 'printing', true);
  await auditHeld(page, language, 'issuing', () => page.locator('button[data-yen="500"]').click());
  await expect(screen(page, 'printing')).toBeVisible({ timeout: 30_000 });
  await audit(page, language, 'printing');
  await holdScreen(page, 'printing', false);
  await expect(screen(page, 'done')).toBeVisible({ timeout: 30_000 });
  await audit(page, language, 'done');
  await page.getByRole('button', { name: words.done.finish, exact: true }).click();
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();
}

/** A card whose PIN is locked: refused before any PIN, and taking it away ends the session. */
async function refusedCard(page: Page, language: KioskLanguage) {
  await page.getByRole('button', { name: catalogs[language].idle.start, exact: true }).click();
  await page.locator('[data-card-id="card-edge-locked"]').click();
  await expect(screen(page, 'refused')).toBeVisible();
  await audit(page, language, 'refused');
  await page.locator('[data-demo-panel] .demo-remove').click();
  await expect(screen(page, 'idle')).toBeVisible();
}

/** An iPhone token: the "confirm on your iPhone" guidance instead of the PIN pad, held while audited; then the menu, left with Cancel. */
async function iphoneConfirmation(page: Page, language: KioskLanguage) {
  const words = catalogs[language];
  const iphone = system.cards.find((c) => c.edge === 'iphone');
  expect(iphone, 'the demo has an iPhone token').toBeDefined();
  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await auditHeld(page, language, 'phoneConfirmation', () => page.locator(`[data-card-id="${iphone!.cardId}"]`).click());
  // The demo phone's holder confirms 2 s after the kiosk asks.
  await expect(screen(page, 'menu')).toBeVisible({ timeout: 30_000 });
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(words.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();
}

/** The ordinary resident pays for a 住民票の写し while the printer is broken: the error screen, with the money back. */
async function printFailure(page: Page, language: KioskLanguage) {
  const words = catalogs[language];
  const card = cardOf(system, system.demo.featured.ordinary);
  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await page.locator(`[data-card-id="${card.cardId}"]`).click();
  await enterPin(page, card.pin, words);
  await page.locator('[data-certificate-type="residenceRecord"]').click();
  await walkOptionsWithDefaults(page, words);
  await withBrokenPrinter(system, async () => {
    await page.locator('button[data-yen="500"]').click();
    await expect(screen(page, 'error')).toBeVisible({ timeout: 30_000 });
  });
}

/** The 本籍地 registration's confirmation (left with Back), and in the last language the application itself. */
async function domicileScreens(page: Page, language: KioskLanguage, apply: boolean) {
  const words = catalogs[language];
  const card = cardOf(system, system.demo.featured.domicileInOtherServedMunicipality);
  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await page.locator(`[data-card-id="${card.cardId}"]`).click();
  await enterPin(page, card.pin, words);
  await expect(screen(page, 'menu')).toBeVisible();
  await audit(page, language, 'menu-domicile-offer');
  await page.getByTestId('apply-domicile-registration').click();
  await expect(screen(page, 'domicileConfirm')).toBeVisible();
  await audit(page, language, 'domicileConfirm');
  if (apply) {
    await auditHeld(
      page,
      language,
      'domicileApplying',
      () => page.getByTestId('confirm-domicile-registration').click(),
      auditInEveryLanguage,
    );
    await expect(screen(page, 'domicileApplied')).toBeVisible({ timeout: 30_000 });
    await auditInEveryLanguage(page, language, 'domicileApplied');
    await page.getByRole('button', { name: catalogs[languages.at(-1)!].done.finish, exact: true }).click();
  } else {
    await screen(page, 'domicileConfirm')
      .getByRole('button', { name: new RegExp(words.common.back) })
      .click();
    await expect(screen(page, 'menu')).toBeVisible();
    await screen(page, 'menu')
      .getByRole('button', { name: new RegExp(words.common.cancel) })
      .click();
  }
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();
}

/**
 * The start screen of a kiosk restarted after a crash with a paid certificate unprinted. Holding it
 * shows it with a stand-in that holds no money and matches no card (session/screen-holds.ts); the
 * real one comes from the journal (test/kiosk/journal-print-after-restart.test.ts). Cancel leaves it.
 */
async function awaitingResident(page: Page, language: KioskLanguage) {
  await holdScreen(page, 'awaitingResident', true);
  await expect(screen(page, 'awaitingResident')).toBeVisible({ timeout: 30_000 });
  await audit(page, language, 'awaitingResident');
  await holdScreen(page, 'awaitingResident', false);
  await screen(page, 'awaitingResident')
    .getByRole('button', { name: new RegExp(catalogs[language].common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
}

const languages = ['ja', 'en', 'zh', 'ko', 'vi', 'pt'] as const satisfies readonly KioskLanguage[];

for (const language of languages) {
  test(`every screen in ${language}: no serious axe finding, no target under 44 px in either mode`, async ({ page }) => {
    test.setTimeout(420_000);
    await openKiosk(page, system);
    await page.locator(`.language-choice button[lang="${language}"]`).click();
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await audit(page, language, 'idle');

    // The foreign resident's menu has refused items (no 戸籍) beside the available ones.
    const foreign = cardOf(system, system.demo.featured.foreignResident);
    await signIn(page, language, foreign.cardId, foreign.pin);
    await audit(page, language, 'menu');
    await issueAndFinish(page, language);
    await page.locator(`.language-choice button[lang="${language}"]`).click();

    await refusedCard(page, language);
    await page.locator(`.language-choice button[lang="${language}"]`).click();

    await iphoneConfirmation(page, language);
    await page.locator(`.language-choice button[lang="${language}"]`).click();

    await printFailure(page, language);
    await audit(page, language, 'error');
    await page.getByRole('button', { name: catalogs[language].error.finish, exact: true }).click();
    await expect(screen(page, 'idle')).toBeVisible();
    await page.locator('[data-demo-panel] .demo-remove').click();
    await page.locator(`.language-choice button[lang="${language}"]`).click();

    await domicileScreens(page, language, language === languages.at(-1));
    await page.locator(`.language-choice button[lang="${language}"]`).click();

    await awaitingResident(page, language);
  });
}

test('every screen of kiosk-screens.ts, and the iPhone’s confirmation, was checked in every language', () => {
  const everyScreen = [...Object.keys(screenIntents), 'phoneConfirmation'].sort();
  expect([...visited.keys()].sort()).toEqual([...languages].sort());
  for (const [language, screens] of visited) expect([...screens].sort(), `screens checked in ${language}`).toEqual(everyScreen);
});

test('every language’s walk reached the same screens', () => {
  const screens = [...audited.values()].map((names) => [...names].sort());
  expect(screens).toHaveLength(languages.length);
  for (const names of screens) expect(names).toEqual(screens[0]);
  expect(screens[0]).toEqual(
    expect.arrayContaining(['idle', 'placeCard', 'pin', 'menu', 'options-scope', 'payment', 'done', 'refused', 'error', 'domicileConfirm']),
  );
});

test('the modes chosen by one resident are gone for the next, and both can be on at once', async ({ page }) => {
  await openKiosk(page, system);
  await setMode(page, 'highContrast', true);
  await setMode(page, 'largeText', true);
  const card = cardOf(system, system.demo.featured.ordinary);
  await page.getByRole('button', { name: catalogs.ja.idle.start, exact: true }).click();
  await page.locator(`[data-card-id="${card.cardId}"]`).click();
  await expect(screen(page, 'pin')).toBeVisible();
  // Remembered across screens: the PIN pad came up in both modes.
  await expect(page.locator('.kiosk')).toHaveClass(/large-text high-contrast/);
  await expect(page.locator('main.screen [data-display-mode="largeText"]')).toHaveAttribute('aria-pressed', 'true');
  // The larger text is larger: the heading's type grew by the mode's factor.
  const headingPx = async () =>
    Number(await page.evaluate(`parseFloat(getComputedStyle(document.querySelector('main.screen h1')).fontSize)`));
  const largeHeading = await headingPx();
  await setMode(page, 'largeText', false);
  const heading = await headingPx();
  expect(heading).toBeGreaterThan(0);
  expect(largeHeading).toBeGreaterThanOrEqual(heading * 1.25);
  await setMode(page, 'largeText', true);
  await screen(page, 'pin')
    .getByRole('button', { name: new RegExp(catalogs.ja.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
  await expect(page.locator('.kiosk')).toHaveClass(/^kiosk( with-demo)?$/);
  await expect(page.locator('main.screen [data-display-mode="highContrast"]')).toHaveAttribute('aria-pressed', 'false');
  expect((await kioskView(page, system)).display, 'the previous resident’s display modes outlived their session').toBeUndefined();
  await page.locator('[data-demo-panel] .demo-remove').click();
});

test('the idle warning counts down in an alert dialog, and continue keeps the session', async ({ page }) => {
  test.setTimeout(120_000);
  const words = catalogs.en;
  await openKiosk(page, system);
  await page.locator('.language-choice button[lang="en"]').click();
  const card = cardOf(system, system.demo.featured.ordinary);
  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await page.locator(`[data-card-id="${card.cardId}"]`).click();
  await enterPin(page, card.pin, words);
  await expect(screen(page, 'menu')).toBeVisible();

  // Untouched: the warning comes (after 15 s of the 45), with the seconds left, counting down.
  const dialog = page.getByRole('alertdialog', { name: words.idleWarning.heading });
  await expect(dialog).toBeVisible({ timeout: IDLE_TIMEOUT_MS });
  const countdown = dialog.getByTestId('idle-countdown');
  const first = Number(await countdown.getAttribute('data-seconds-left'));
  expect(first).toBeGreaterThan(20);
  expect(first).toBeLessThanOrEqual(30);
  await expect(countdown).toHaveText(words.idleWarning.secondsLeft.replace('{{count}}', String(first)));
  await expect(countdown).not.toHaveAttribute('data-seconds-left', String(first), { timeout: 5_000 });
  expect(Number(await countdown.getAttribute('data-seconds-left'))).toBeLessThan(first);
  await expect(page.getByTestId('idle-announcement')).toHaveText(new RegExp(words.idleWarning.heading));
  const continueButton = dialog.getByRole('button', { name: words.idleWarning.continue, exact: true });
  await expect(continueButton).toBeFocused();
  expect(await axeFindings(page, false), 'axe with the idle warning open').toEqual([]);
  expect(await page.evaluate(smallTargets, MIN_TARGET_PX)).toEqual([]);
  // The screen behind is out of reach while the dialog shows.
  await expect(screen(page, 'menu')).toHaveAttribute('inert', '');

  await continueButton.click();
  await expect(dialog).toHaveCount(0);
  await expect(screen(page, 'menu')).toBeVisible();
  await expect(screen(page, 'menu')).not.toHaveAttribute('inert', '');
  expect((await kioskView(page, system)).screen).toBe('menu');
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(words.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();
});
