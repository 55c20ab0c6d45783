/**
 * The staff console's operations pages end to end (issue 12, item 7): the system the start command
 * runs — with the demo's months of history — in Debian Chromium, signed in as each demo role
 * (operator, auditor, 横浜市's administrator, 千代田区's clerk). Every page each role reaches is
 * walked with axe-core (no serious or critical violation) and pictured once for docs/console/;
 * what a role may not do is absent from its page, and what it may do works: the issuance log's
 * search, timeline and reveal with a reason; an incident acknowledged and resolved; the audit chain
 * verified; the fleet showing the demo kiosk's heartbeat; a month closed and its statement's PDF;
 * statistics as charts and tables.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { StaffRole } from '@madoguchi/shared';
import {
  consolePage,
  demoAccount,
  expectNoSeriousViolations,
  shoot,
  signInAs,
  startConsoleSystem,
  type ConsoleSystem,
} from './console-support.js';

const YOKOHAMA = '141003';
const CHIYODA = '131016';

let system: ConsoleSystem;
const contexts: BrowserContext[] = [];
const pages = new Map<StaffRole, Page>();

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  system = await startConsoleSystem('console-operations');
  for (const role of ['operator', 'auditor', 'municipalityAdministrator', 'municipalityClerk'] as const) {
    const signedIn = await signInAs(browser, system, demoAccount(system, role));
    contexts.push(signedIn.context);
    pages.set(role, signedIn.page);
  }
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await system?.stop();
});

async function settled(page: Page, name: string) {
  await expect(consolePage(page, name)).toBeVisible({ timeout: 30_000 });
  await expect(consolePage(page, name).locator('.loading')).toHaveCount(0, { timeout: 90_000 });
}

/** The operations pages each role reaches: [path under /console/, data-page]. */
const reach: Record<StaffRole, [string, string][]> = {
  operator: [
    ['issuances', 'issuance-log'],
    ['incidents', 'incidents'],
    ['audit-chain', 'audit-chain'],
    ['fleet', 'fleet'],
    ['billing', 'billing'],
    ['statistics', 'statistics'],
    [`municipalities/${YOKOHAMA}/billing`, 'municipality-billing'],
  ],
  auditor: [
    ['issuances', 'issuance-log'],
    ['incidents', 'incidents'],
    ['audit-chain', 'audit-chain'],
    ['fleet', 'fleet'],
    ['billing', 'billing'],
    ['statistics', 'statistics'],
  ],
  municipalityAdministrator: [
    ['issuances', 'issuance-log'],
    ['statistics', 'statistics'],
    ['incidents', 'incidents'],
    [`municipalities/${YOKOHAMA}/billing`, 'municipality-billing'],
  ],
  municipalityClerk: [
    ['issuances', 'issuance-log'],
    ['statistics', 'statistics'],
    ['incidents', 'incidents'],
    [`municipalities/${CHIYODA}/billing`, 'municipality-billing'],
  ],
};

const pictureRole: Record<StaffRole, string> = {
  operator: '',
  auditor: '-auditor',
  municipalityAdministrator: '-municipality',
  municipalityClerk: '-clerk',
};

test('every operations page each role reaches: axe finds nothing serious, and a picture of each', async () => {
  test.setTimeout(600_000);
  for (const [role, list] of Object.entries(reach) as [StaffRole, [string, string][]][]) {
    const page = pages.get(role)!;
    for (const [path, name] of list) {
      await page.goto(`${system.consoleUrl}${path}`);
      await settled(page, name);
      await expectNoSeriousViolations(page, `${name} as ${role}`);
      if (role === 'operator' || role === 'municipalityAdministrator') await shoot(page, `${name}${pictureRole[role]}`);
    }
  }
});

/** The first issuance of the log's newest page, opened: its timeline page. */
async function openFirstIssuance(page: Page): Promise<string> {
  await page.goto(`${system.consoleUrl}issuances`);
  await settled(page, 'issuance-log');
  const log = consolePage(page, 'issuance-log');
  await log.getByRole('button', { name: '検索', exact: true }).click();
  const first = page
    .getByTestId('issuance-log')
    .getByRole('link', { name: /^交付 .+ の詳細$/ })
    .first();
  await expect(first).toBeVisible({ timeout: 30_000 });
  await first.click();
  await settled(page, 'issuance-timeline');
  await shoot(page, 'issuance-timeline');
  return page.url();
}

test('the issuance log: a search, a timeline, and personal data shown only with a reason, never to the auditor', async () => {
  test.setTimeout(240_000);
  const operator = pages.get('operator')!;
  const timelineUrl = await openFirstIssuance(operator);
  const timeline = consolePage(operator, 'issuance-timeline');
  await expect(operator.getByTestId('personal-data')).toHaveCount(0);
  await timeline.getByRole('button', { name: '個人情報を表示' }).click();
  const dialog = operator.getByRole('dialog');
  await dialog.getByRole('button', { name: '記録して表示' }).click();
  await expect(operator.getByTestId('personal-data'), 'no reason, nothing shown').toHaveCount(0);
  await dialog.getByLabel('理由').fill('誤交付の申し出の確認');
  await dialog.getByRole('button', { name: '記録して表示' }).click();
  await expect(operator.getByTestId('personal-data')).toBeVisible({ timeout: 30_000 });
  await expectNoSeriousViolations(operator, 'issuance timeline with personal data');

  const auditor = pages.get('auditor')!;
  await auditor.goto(timelineUrl);
  await settled(auditor, 'issuance-timeline');
  await expect(consolePage(auditor, 'issuance-timeline').getByRole('button', { name: '個人情報を表示' })).toHaveCount(0);
});

test('anomalies: an incident acknowledged then resolved with a note; the chain verified against its signed heads', async () => {
  test.setTimeout(240_000);
  const operator = pages.get('operator')!;
  await operator.goto(`${system.consoleUrl}incidents`);
  await settled(operator, 'incidents');
  const list = operator.getByTestId('incidents');
  // The list opens on the open incidents; every state is asked for, so a handled one stays in view.
  await operator
    .locator('.field.select', { has: operator.getByText('状態', { exact: true }) })
    .locator('.select-button')
    .click();
  await operator.getByRole('option', { name: 'すべての状態', exact: true }).click();
  await operator.getByRole('button', { name: '絞り込む' }).click();
  const open = list
    .getByRole('row')
    .filter({ hasText: '未対応' })
    .filter({ hasText: /[0-9a-f]{8}-[0-9a-f]{4}-/ })
    .first();
  await expect(open).toBeVisible({ timeout: 30_000 });
  // Found again by kind and issuance id (times repeat, and one issuance may have several incidents).
  const kind = (await open.getByRole('cell').nth(1).textContent()) ?? '';
  const issuanceId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec((await open.textContent()) ?? '')![0];
  const row = list
    .getByRole('row')
    .filter({ hasText: issuanceId })
    .filter({ has: operator.getByRole('cell', { name: kind, exact: true }) })
    .first();
  await row.getByRole('button', { name: '確認済みにする' }).click();
  const acknowledged = operator.waitForResponse((r) => r.url().includes('/acknowledge') && r.request().method() === 'POST');
  await operator.getByRole('dialog').getByRole('button', { name: '確認済みにする' }).click();
  const answer = await acknowledged;
  expect(answer.status(), await answer.text()).toBe(200);
  await expect(row.getByRole('button', { name: '確認済みにする' })).toHaveCount(0);
  await expect(row.getByRole('cell', { name: '確認済み', exact: true })).toBeVisible();
  await row.getByRole('button', { name: '解決' }).click();
  const dialog = operator.getByRole('dialog');
  await dialog.getByRole('button', { name: '解決' }).click();
  await expect(dialog, 'a resolution needs its note').toBeVisible();
  await dialog.getByLabel('対応の内容（必須）').fill('店舗に連絡し、返金済みを確認した');
  await dialog.getByRole('button', { name: '解決' }).click();
  await expect(row.getByRole('cell', { name: '解決済み', exact: true })).toBeVisible();
  await expect(row).toContainText('店舗に連絡し、返金済みを確認した');
  await expect(row.getByRole('button', { name: '解決' })).toHaveCount(0);

  const auditor = pages.get('auditor')!;
  await auditor.goto(`${system.consoleUrl}incidents`);
  await settled(auditor, 'incidents');
  await expect(auditor.getByRole('button', { name: '確認済みにする' })).toHaveCount(0);
  await auditor.goto(`${system.consoleUrl}audit-chain`);
  await settled(auditor, 'audit-chain');
  await auditor.getByRole('button', { name: '今すぐ検証' }).click();
  await expect(auditor.getByTestId('chain-verification')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
});

test('the fleet shows the demo kiosk by its heartbeat; a closed month and its PDF; statistics as charts and tables', async () => {
  test.setTimeout(300_000);
  const operator = pages.get('operator')!;
  await operator.goto(`${system.consoleUrl}fleet`);
  await settled(operator, 'fleet');
  await expect(operator.getByTestId('fleet').getByRole('row').filter({ hasText: 'KIOSK-0001' })).toContainText('正常', {
    timeout: 90_000,
  });

  await operator.goto(`${system.consoleUrl}billing?month=2026-11&municipality=${YOKOHAMA}`);
  await settled(operator, 'billing');
  await expect(operator.getByTestId('statement-state')).toHaveText('締め済み', { timeout: 30_000 });
  await expect(operator.getByTestId('statement-summary')).toBeVisible();

  const admin = pages.get('municipalityAdministrator')!;
  await admin.goto(`${system.consoleUrl}municipalities/${YOKOHAMA}/billing?month=2026-11`);
  await settled(admin, 'municipality-billing');
  const download = admin.waitForEvent('download');
  await admin.getByRole('button', { name: '明細書のPDFをダウンロード' }).click();
  const pdf = await download;
  const path = await pdf.path();
  expect(readFileSync(path).subarray(0, 5).toString('latin1')).toBe('%PDF-');

  const clerk = pages.get('municipalityClerk')!;
  await clerk.goto(`${system.consoleUrl}statistics`);
  await settled(clerk, 'statistics');
  await clerk.getByRole('button', { name: '表示する' }).click();
  const figures = clerk.locator('[data-figure]');
  await expect(figures.first()).toBeVisible({ timeout: 60_000 });
  // Every chart has its table with the same figures (the accessible equivalent).
  for (const figure of await figures.all()) await expect(figure.locator('table')).toHaveCount(1);
});
