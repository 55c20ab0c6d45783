/**
 * 本籍地利用登録申請 at the kiosk, end to end: a resident of 横浜市 whose 本籍 is in 千代田区 (a
 * municipality this center also serves) finds the 戸籍 certificates refused with the offer to apply,
 * applies, and is told approval takes days; the 戸籍 items stay refused while it is pending. The
 * 本籍地's clerk approves it with the policy CLI (as test/center/domicile-registration.test.ts does),
 * and at the next visit the 戸籍 certificates are on the menu and print.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import type { Resident } from '@madoguchi/shared';
import { repoRoot } from '../../scripts/system.js';
import {
  cardOf,
  catalogs,
  enterPin,
  fullName,
  openKiosk,
  pdfText,
  residentOf,
  screen,
  printedPdfs,
  startAndPlaceCard,
  startE2eSystem,
  walkOptionsWithDefaults,
  refusalReasonOf,
  type E2eSystem,
} from './support.js';

const ja = catalogs.ja;
let system: E2eSystem;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  // A fresh state directory (support.ts): the application must not survive from a previous run.
  system = await startE2eSystem('domicile');
});

test.afterAll(async () => {
  await system?.stop();
});

/** The policy CLI on this system's center database, as an operator runs it. */
async function policyCli(...args: string[]): Promise<string> {
  const database = join(system.stateDir, 'center', 'center.sqlite');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'apps/center/src/cli/policy.ts'), '--database', database, ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  return stdout;
}

const familyRegisterTypes = ['familyRegisterFull', 'familyRegisterIndividual'] as const;

async function signIn(page: Page, resident: Resident) {
  const card = cardOf(system, resident.residentId);
  await openKiosk(page, system);
  await startAndPlaceCard(page, card.cardId);
  await enterPin(page, card.pin);
  await expect(screen(page, 'menu')).toBeVisible();
}

async function expectFamilyRegisterRefused(page: Page) {
  for (const type of familyRegisterTypes) {
    const item = page.locator(`[data-certificate-type="${type}"]`);
    await expect(item).toBeDisabled();
    await expect(refusalReasonOf(page, type)).toContainText(ja.menu.unavailable);
    await expect(refusalReasonOf(page, type)).toContainText(ja.errors.ELIGIBILITY_DOMICILE_NOT_REGISTERED!);
  }
}

test('apply for 本籍地 registration at the kiosk, approved by the 本籍地 → 戸籍 on the menu', async ({ page }) => {
  const resident = residentOf(system, system.demo.featured.domicileInOtherServedMunicipality);
  expect(resident.domicile, 'the featured resident has a 本籍').toBeDefined();
  const domicileCode = resident.domicile!.municipalityCode;
  expect(domicileCode).not.toBe(resident.municipalityCode);
  const domicileName = system.demo.batch.municipalities.find((m) => m.code === domicileCode)!.name;
  const homeName = system.demo.batch.municipalities.find((m) => m.code === resident.municipalityCode)!.name;

  // 1. The menu refuses 戸籍 and offers the application; everything else is still there.
  await signIn(page, resident);
  await expect(screen(page, 'menu').locator('.municipality')).toHaveText(homeName);
  await expect(page.locator('[data-certificate-type="residenceRecord"]')).toBeEnabled();
  await expectFamilyRegisterRefused(page);
  const offer = page.getByTestId('domicile-registration');
  await expect(offer).toHaveAttribute('data-status', 'notApplied');
  await expect(offer).toBeInViewport();
  await page.getByRole('button', { name: '本籍地の利用登録を申請する' }).click();

  // 2. The confirmation names the 本籍地 and says approval takes days; nothing is charged.
  await expect(screen(page, 'domicileConfirm')).toBeVisible();
  await expect(screen(page, 'domicileConfirm').locator('h1')).toHaveText(ja.domicile.confirmHeading);
  await expect(screen(page, 'domicileConfirm').locator('.domicile-municipality')).toContainText(domicileName);
  await expect(page.getByTestId('domicile-approval-days')).toHaveText(ja.domicile.approvalTakesDays);
  await expect(screen(page, 'domicileConfirm')).toContainText(ja.domicile.noCharge);
  await page.getByTestId('confirm-domicile-registration').click();

  // 3. The receipt.
  await expect(screen(page, 'domicileApplied')).toBeVisible({ timeout: 30_000 });
  await expect(screen(page, 'domicileApplied').locator('h1')).toHaveText(ja.domicile.appliedHeading);
  await expect(screen(page, 'domicileApplied')).toContainText(ja.domicile.appliedLead);
  await expect(page.getByTestId('take-card')).toContainText(ja.done.takeCard);

  // 4. Back on the menu: 戸籍 still refused, the offer now says the application is pending.
  await screen(page, 'domicileApplied')
    .getByRole('button', { name: new RegExp(ja.common.back) })
    .click();
  await expect(screen(page, 'menu')).toBeVisible();
  await expectFamilyRegisterRefused(page);
  await expect(offer).toHaveAttribute('data-status', 'pending');
  await expect(offer).toContainText(ja.domicile.pending);
  await expect(page.getByTestId('apply-domicile-registration')).toHaveCount(0);
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(ja.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();

  // The center has it, pending, for the 本籍地's clerks — one application, this resident's.
  const pending = (await policyCli('domicile', 'list', domicileCode, '--status', 'pending')).trim().split('\n').filter(Boolean);
  const ours = pending.map((line) => line.split('\t')).filter(([, residentId]) => residentId === resident.residentId);
  expect(ours).toHaveLength(1);
  const registrationId = ours[0]![0]!;

  // 5. A new visit before the decision: the center says pending, not "apply".
  await signIn(page, resident);
  await expectFamilyRegisterRefused(page);
  await expect(offer).toHaveAttribute('data-status', 'pending');
  await expect(page.getByTestId('apply-domicile-registration')).toHaveCount(0);
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(ja.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();

  // 6. The 本籍地 approves.
  expect(await policyCli('domicile', 'approve', registrationId, '--by', `clerk-${domicileCode}-01`)).toContain(
    `${registrationId} approved by clerk-${domicileCode}-01`,
  );
  expect(await policyCli('domicile', 'list', domicileCode, '--status', 'pending')).not.toContain(registrationId);

  // 7. The card again: 戸籍 is on the menu, with its fee, and no offer any more.
  await signIn(page, resident);
  for (const type of familyRegisterTypes) {
    const item = page.locator(`[data-certificate-type="${type}"]`);
    await expect(item).toBeEnabled();
    await expect(item.locator('.fee')).toBeVisible();
  }
  await expect(offer).toHaveCount(0);

  // …and it prints: the 戸籍全部事項証明書 of the 本籍 in 千代田区, naming the resident.
  const before = new Set(printedPdfs(system));
  await page.locator('[data-certificate-type="familyRegisterFull"]').click();
  await walkOptionsWithDefaults(page);
  await expect(screen(page, 'payment')).toBeVisible();
  const due = Number(await page.getByTestId('amount-due').getAttribute('data-yen'));
  expect(due).toBeGreaterThan(0);
  await page.locator(`button[data-yen="${due <= 1000 ? 1000 : 5000}"]`).click();
  await expect(screen(page, 'done')).toBeVisible({ timeout: 30_000 });
  const files = printedPdfs(system).filter((f) => !before.has(f));
  expect(files.length).toBeGreaterThan(0);
  const all = (await Promise.all(files.map((f) => pdfText(join(system.printedDir, f))))).flat().join('');
  expect(all).toContain(fullName(resident));
  expect(all).toContain(resident.domicile!.address.replace(/\s+/g, ''));
  await page.locator('[data-demo-panel] .demo-remove').click();
  await expect(screen(page, 'idle')).toBeVisible();
});
