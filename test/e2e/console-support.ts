/**
 * Shared by the console specs: a system of the spec's own (center with the console, kiosk, demo
 * staff) on SQLite or a given PostgreSQL, signing in as a demo account with a TOTP code computed
 * here with otpauth from the account's otpauth:// URI (what an authenticator app reads from the
 * QR code), axe-core on a page, and the pictures for docs/console/.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { URI, type TOTP } from 'otpauth';
import { otpauthUri } from '@madoguchi/center';
import type { StaffRole } from '@madoguchi/shared';
import type { DemoStaffAccount } from '../../scripts/demo-staff.js';
import { repoRoot, startDemoSystem, type DemoSystem } from '../../scripts/system.js';
import { freshStateDir } from './state-templates.js';
import { axeAnalyze, catalogs, enterPin, openKiosk, screen, startAndPlaceCard } from './support.js';

/** The console build the specs serve (built once before the workers start: playwright.config.ts). */
export const e2eConsoleDir = join(repoRoot, '.var', 'console-e2e');

export interface ConsoleSystem extends DemoSystem {
  logs: string[];
}

/**
 * A fresh state directory under .var/e2e-<name> (a copy of this run's prepared world on SQLite,
 * state-templates.ts: nothing of a previous run or another file survives), and, when
 * `databaseUrl` is given, the center on that PostgreSQL database instead of SQLite.
 */
export async function startConsoleSystem(name: string, options: { databaseUrl?: string; history?: false } = {}): Promise<ConsoleSystem> {
  const stateDir = join(repoRoot, '.var', `e2e-${name}`);
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (process.env.MADOGUCHI_VERBOSE) console.error(line);
  };
  // On PostgreSQL the database is the spec's own, made empty: only the directory is, too.
  if (options.databaseUrl) rmSync(stateDir, { recursive: true, force: true });
  else await freshStateDir(stateDir, options.history === false ? 'no-history' : 'history', log);
  const system = await startDemoSystem({
    stateDir,
    // Built for the specs alone (scripts/console-build.ts says why); again only when a source changed.
    consoleDir: e2eConsoleDir,
    ...options,
    log,
  });
  return Object.assign(system, { logs });
}

export function demoAccount(system: DemoSystem, role: StaffRole): DemoStaffAccount {
  const account = system.staff.find((s) => s.role === role);
  if (!account) throw new Error(`no demo ${role}`);
  return account;
}

/**
 * The code an authenticator app shows now, built from the otpauth:// URI the start command prints.
 * The center checks codes on the wall clock, whatever day its demo clock says (CenterContext.codeClock).
 */
export function totpNow(account: DemoStaffAccount): string {
  const totp = URI.parse(otpauthUri(account.totpSecret, account.loginId)) as TOTP;
  return totp.generate({ timestamp: Date.now() });
}

/** The console's own language: its switch remembers the choice in this browser. */
export type ConsoleLanguage = 'ja' | 'en';

export const consolePage = (page: Page, name: string) => page.locator(`main[data-page="${name}"]`);

/**
 * A browser context of its own for one staff member (its session cookie), signed in through the
 * sign-in page with the login id, the password and a TOTP code. The center's certificate is the
 * demo CA's, which this browser does not know: ignoreHTTPSErrors, as a demo user accepts the warning.
 */
export async function signInAs(
  browser: Browser,
  system: DemoSystem,
  account: DemoStaffAccount,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  await page.goto(system.consoleUrl);
  await expect(consolePage(page, 'sign-in')).toBeVisible();
  await fillSignIn(page, account.loginId, account.password, totpNow(account));
  await expect(consolePage(page, 'sign-in')).toHaveCount(0);
  return { context, page };
}

export async function fillSignIn(page: Page, loginId: string, password: string, code: string): Promise<void> {
  const form = consolePage(page, 'sign-in');
  await form.getByLabel('ログインID').fill(loginId);
  await form.getByLabel('パスワード', { exact: true }).fill(password);
  await form.getByLabel('確認コード（6桁）').fill(code);
  await form.getByRole('button', { name: 'ログイン', exact: true }).click();
}

export async function chooseLanguage(page: Page, language: ConsoleLanguage): Promise<void> {
  await page.locator(`.language-switch [lang="${language}"]`).click();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** axe-core on the whole page: no serious or critical violation (each listed with its elements). */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const results = await axeAnalyze(page);
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `${label}: axe violations`).toEqual([]);
}

/**
 * docs/console/<name>.png: written when MADOGUCHI_UPDATE_SCREENSHOTS=1 (then looked at before they
 * are committed); otherwise the picture goes to .var/console-screenshots and the committed one
 * must exist, so a page added without its picture is noticed.
 */
export const docsDir = join(repoRoot, 'docs', 'console');
const updating = process.env.MADOGUCHI_UPDATE_SCREENSHOTS === '1';
const outDir = updating ? docsDir : join(repoRoot, '.var', 'console-screenshots');

export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await page.screenshot({ path: join(outDir, `${name}.png`), animations: 'disabled', caret: 'hide', fullPage: true });
  expect(existsSync(join(docsDir, `${name}.png`)), `docs/console/${name}.png (MADOGUCHI_UPDATE_SCREENSHOTS=1 writes it)`).toBe(true);
}

/** Types a date (and time) into react-aria's date picker segment by segment, as a keyboard user does. */
export async function typeDate(page: Page, group: string, date: string, time?: string): Promise<void> {
  const field = page.locator('.date-field', { has: page.getByText(group, { exact: true }) });
  await field.locator('.date-segment[data-type="year"]').click();
  const [year, month, day] = date.split('-');
  await page.keyboard.type(`${year}${month}${day}`);
  if (time) {
    await field.locator('.date-segment[data-type="hour"]').click();
    await page.keyboard.type(time.replace(':', ''));
  }
}

/** The municipality pages, by path under /console/municipalities/<code>, and their data-page names. */
export const municipalityPages: [string, string][] = [
  ['', 'overview'],
  ['offerings', 'offerings'],
  ['fees', 'fees'],
  ['hours', 'hours'],
  ['head', 'head-seal'],
  ['imports', 'imports'],
  ['domicile-registrations', 'domicile-registrations'],
  ['previews', 'previews'],
  ['history', 'history'],
  ['staff', 'staff'],
];

/** A resident at the kiosk up to the menu: start, place the card, type the PIN. */
export async function toKioskMenu(kiosk: Page, system: DemoSystem, card: { cardId: string; pin: string }) {
  await openKiosk(kiosk, system);
  await startAndPlaceCard(kiosk, card.cardId);
  await enterPin(kiosk, card.pin);
  await expect(screen(kiosk, 'menu')).toBeVisible();
}

/** Ends the resident's visit from the menu (removing the card there is an error screen of its own). */
export async function leaveKioskMenu(kiosk: Page) {
  await screen(kiosk, 'menu')
    .getByRole('button', { name: new RegExp(catalogs.ja.common.cancel) })
    .click();
  await expect(screen(kiosk, 'idle')).toBeVisible();
}

/** From the menu, where 戸籍 is refused: apply for 本籍地 registration, back to the menu, end the visit. */
export async function applyDomicileAtKiosk(kiosk: Page) {
  await expect(kiosk.locator('[data-certificate-type="familyRegisterFull"]')).toBeDisabled();
  await kiosk.getByTestId('apply-domicile-registration').click();
  await kiosk.getByTestId('confirm-domicile-registration').click();
  await expect(screen(kiosk, 'domicileApplied')).toBeVisible({ timeout: 30_000 });
  await screen(kiosk, 'domicileApplied')
    .getByRole('button', { name: new RegExp(catalogs.ja.common.back) })
    .click();
  await leaveKioskMenu(kiosk);
}
