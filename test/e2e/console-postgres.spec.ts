/**
 * The staff console on PostgreSQL (issue 11, item 7): the same system as console.spec.ts with the
 * center on a throwaway PostgreSQL server (test/support/postgres.ts), on a shorter path — sign-in
 * with TOTP, every municipality page loaded with its content (axe and pictures are console.spec.ts's,
 * on SQLite: the pages are the same), a configuration change that the history records with the staff id, and a 本籍地
 * registration applied at the kiosk, approved by the 本籍地's clerk in the console, that puts 戸籍
 * on the resident's kiosk menu.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { cardOf, residentOf } from './support.js';
import {
  applyDomicileAtKiosk,
  consolePage,
  demoAccount,
  municipalityPages,
  signInAs,
  startConsoleSystem,
  toKioskMenu,
  typeDate,
  type ConsoleSystem,
} from './console-support.js';

const YOKOHAMA = '141003';
const CHIYODA = '131016';

let postgres: PostgresServer;
let system: ConsoleSystem;
const contexts: BrowserContext[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  postgres = await startPostgres();
  system = await startConsoleSystem('console-postgres', { databaseUrl: await postgres.createDatabase(), history: false });
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await system?.stop();
  await postgres?.stop();
});

const municipalityUrl = (code: string, path: string) => `${system.consoleUrl}municipalities/${code}/${path}`;

async function settled(page: Page, name: string) {
  await expect(consolePage(page, name)).toBeVisible();
  await expect(consolePage(page, name).locator('.loading')).toHaveCount(0, { timeout: 30_000 });
}

test('an administrator signs in with TOTP, sees every page, and schedules a fee change; the history names their staff id', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const { context, page } = await signInAs(browser, system, demoAccount(system, 'municipalityAdministrator'));
  contexts.push(context);
  // A municipality's staff land on their own municipality.
  await settled(page, 'overview');
  await expect(page).toHaveURL(new RegExp(`/municipalities/${YOKOHAMA}$`));
  for (const [path, name] of municipalityPages) {
    await page.goto(municipalityUrl(YOKOHAMA, path).replace(/\/$/, ''));
    await settled(page, name);
    await expect(consolePage(page, name).locator('h1')).not.toBeEmpty();
    await expect(consolePage(page, name).locator('.error-message:not(:empty)')).toHaveCount(0);
  }
  await page.goto(municipalityUrl(YOKOHAMA, 'fees'));
  await settled(page, 'fees');
  const form = page.getByRole('form', { name: '手数料の変更を予定する' });
  await typeDate(page, '適用開始日', '2099-04-01');
  await form.getByLabel('手数料（円、整数）').fill('280');
  await form.getByRole('button', { name: '予定を登録' }).click();
  await expect(form.getByRole('status')).toHaveText('保存しました');
  await expect(page.locator('[data-certificate-type="residenceRecord"] table tr', { hasText: '2099-04-01' })).toContainText('予定');

  const me = (await (await page.request.get(`${system.centerUrl}/console/api/v1/session`)).json()) as { staffId: string };
  await page.goto(municipalityUrl(YOKOHAMA, 'history'));
  await settled(page, 'history');
  const newest = page.locator('table tbody tr').first();
  await expect(newest).toContainText('設定の変更');
  await expect(newest).toContainText(me.staffId);
});

test('a 本籍地 registration applied at the kiosk and approved in the console puts 戸籍 on the menu', async ({ page: kiosk, browser }) => {
  const resident = residentOf(system, system.demo.featured.domicileInOtherServedMunicipality);
  const card = cardOf(system, resident.residentId);
  const toMenu = () => toKioskMenu(kiosk, system, card);
  await toMenu();
  await applyDomicileAtKiosk(kiosk);

  const { context, page: clerk } = await signInAs(browser, system, demoAccount(system, 'municipalityClerk'));
  contexts.push(context);
  await clerk.goto(municipalityUrl(CHIYODA, 'domicile-registrations'));
  await settled(clerk, 'domicile-registrations');
  const row = clerk.getByTestId('domicile-pending').locator('tbody tr', { hasText: resident.name.family });
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: '承認' }).click();
  await clerk.getByRole('alertdialog').getByRole('button', { name: '実行する' }).click();
  await expect(row).toHaveCount(0);

  await toMenu();
  for (const type of ['familyRegisterFull', 'familyRegisterIndividual'])
    await expect(kiosk.locator(`[data-certificate-type="${type}"]`)).toBeEnabled();
});
