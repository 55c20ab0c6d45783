/**
 * A foreign resident uses the kiosk in their own language from the first screen to the last: every
 * screen's words come from the chosen catalog and no Japanese-only UI string is left over, while the
 * certificate that is printed stays the official Japanese document that names them. When the
 * session ends, the next customer finds the kiosk in Japanese again, with nothing of the previous
 * resident left (docs/misissuance.md#r6: nothing of the previous customer survives a session).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { KioskLanguage, Resident } from '@madoguchi/shared';
import { feeInForce } from '@madoguchi/center/policy';
import { demoClockStart } from '../../scripts/system.js';
import {
  cardOf,
  catalogs,
  catalogStrings,
  enterPin,
  expectScreenInLanguage,
  fullName,
  kioskView,
  openKiosk,
  pdfText,
  residentOf,
  screen,
  printedPdfs,
  startE2eSystem,
  walkOptionsWithDefaults,
  payIntoPrintFailure,
  refusalReasonOf,
  type E2eSystem,
} from './support.js';

let system: E2eSystem;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  system = await startE2eSystem('languages');
});

test.afterAll(async () => {
  await system?.stop();
});

/** The featured foreign resident (residence-card data, no 本籍) and the demo card that says so. */
function foreignResident(): { resident: Resident; card: ReturnType<typeof cardOf>; label: string } {
  const resident = residentOf(system, system.demo.featured.foreignResident);
  expect(resident.foreign?.residenceCardNumber).toBeTruthy();
  const card = cardOf(system, resident.residentId);
  const labels = JSON.parse(readFileSync(join(system.stateDir, 'cards', 'labels.json'), 'utf8')) as Record<string, string>;
  return { resident, card, label: labels[card.cardId]! };
}

/** The 住民票の写し fee on the demo clock's day, by the center's own rule (as in the walking skeleton). */
function residenceRecordFee(holder: Resident): number {
  const policy = system.demo.policies.find((p) => p.municipalityCode === holder.municipalityCode)!;
  const offering = policy.offerings.find((o) => o.certificateType === 'residenceRecord')!;
  const fee = feeInForce(
    offering,
    demoClockStart(
      new Date(),
      system.demo.holidays.map((h) => h.date),
    ).slice(0, 10),
  );
  expect(fee).not.toBeNull();
  return fee!;
}

const yenText = (language: KioskLanguage, yen: number) => catalogs[language].common.yen.replace('{{amount}}', yen.toLocaleString('ja-JP'));

const optionHeadings = (language: KioskLanguage): Record<string, string> => {
  const o = catalogs[language].options;
  return {
    scope: o.scopeHeading,
    members: o.membersHeading,
    items: o.itemsHeading,
    copies: o.copiesHeading,
    taxKind: o.taxKindHeading,
    taxYear: o.taxYearHeading,
  };
};

/**
 * The whole visit in `language`: choose it on the start screen, card, PIN, menu, options, payment,
 * print; returns the text of the one PDF printed.
 */
async function visitIn(page: Page, language: KioskLanguage): Promise<{ resident: Resident; pdf: string }> {
  const words = catalogs[language];
  const { resident, card, label } = foreignResident();
  const before = new Set(printedPdfs(system));
  await openKiosk(page, system);
  // The start screen is Japanese until the resident chooses; the language buttons name themselves.
  await expect(screen(page, 'idle').locator('h1')).toHaveText(catalogs.ja.idle.heading);
  await page.locator(`.language-choice button[lang="${language}"]`).click();
  await expect(page.locator(`.language-choice button[lang="${language}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expectScreenInLanguage(page, language, 'idle', words.idle.heading);
  await expect(screen(page, 'idle')).toContainText(words.idle.chooseLanguage);

  await page.getByRole('button', { name: words.idle.start, exact: true }).click();
  await expectScreenInLanguage(page, language, 'placeCard', words.placeCard.heading);
  const cardButton = page.locator(`[data-card-id="${card.cardId}"]`);
  await expect(cardButton).toContainText(label); // the panel adds the demo PIN
  // The demo panel's label for this featured case (packages/shared/src/demo-data/featured-labels.ts).
  await expect(cardButton).toContainText('外国人住民');
  await cardButton.click();

  await expectScreenInLanguage(page, language, 'pin', words.pin.heading);
  await expect(screen(page, 'pin')).toContainText(words.pin.lead);
  await enterPin(page, card.pin, words);

  await expectScreenInLanguage(page, language, 'menu', words.menu.heading);
  const fee = residenceRecordFee(resident);
  const record = page.locator('[data-certificate-type="residenceRecord"]');
  await expect(record).toBeEnabled();
  await expect(record).toContainText(words.certificates.residenceRecord);
  await expect(record).toContainText(words.menu.fee.replace('{{fee}}', yenText(language, fee)));
  // A foreign resident has no 戸籍: those items are refused, and the refusal is in the chosen language too.
  const refused = page.locator('.menu-item:disabled');
  expect(await refused.count()).toBeGreaterThan(0);
  for (const item of await refused.all())
    await expect(refusalReasonOf(page, (await item.getAttribute('data-certificate-type'))!)).toContainText(words.menu.unavailable);
  await record.click();

  const headings = optionHeadings(language);
  const steps: string[] = [];
  await walkOptionsWithDefaults(page, words, async (step) => {
    steps.push(step);
    await expectScreenInLanguage(page, language, 'options', headings[step]!);
    await expect(screen(page, 'options').locator('.lead .name-local')).toHaveText(words.certificates.residenceRecord);
  });
  expect(steps).toEqual(['scope', 'items', 'copies']);

  await expectScreenInLanguage(page, language, 'payment', words.payment.heading);
  await expect(page.getByTestId('amount-due')).toHaveAttribute('data-yen', String(fee));
  await expect(page.getByTestId('amount-due')).toHaveText(yenText(language, fee));
  await expect(screen(page, 'payment')).toContainText(words.payment.cancelNote);
  await page.locator('button[data-yen="500"]').click();

  await expect(screen(page, 'done')).toBeVisible({ timeout: 30_000 });
  await expectScreenInLanguage(page, language, 'done', words.done.heading);
  await expect(page.getByTestId('take-card')).toContainText(words.done.takeCard);
  await expect(page.getByTestId('take-certificate')).toContainText(words.done.takeCertificate);
  await expect(page.getByTestId('take-change')).toContainText(words.done.takeChange.replace('{{amount}}', yenText(language, 500 - fee)));

  const files = printedPdfs(system).filter((f) => !before.has(f));
  expect(files).toHaveLength(1);
  return { resident, pdf: (await pdfText(join(system.printedDir, files[0]!))).join('') };
}

/** The certificate is the official Japanese document whatever the screen's language, and it names this resident. */
function expectJapaneseCertificateOf(pdf: string, resident: Resident, language: KioskLanguage) {
  expect(pdf).toContain(fullName(resident));
  expect(pdf).toContain(resident.foreign!.nationality);
  expect(pdf).toContain(resident.foreign!.residenceCardNumber);
  expect(pdf).toContain('住民票');
  expect(pdf).toContain('原本と相違ないことを証明する');
  // None of the screen's words made it onto the paper.
  const screenWords = catalogStrings(catalogs[language])
    .filter((t) => t.length > 8 && !t.includes('{{'))
    .map((t) => t.replace(/\s+/g, ''));
  expect(screenWords.length).toBeGreaterThan(20);
  for (const text of screenWords) expect(pdf).not.toContain(text);
  const household = system.demo.batch.households.find((h) => h.householdId === resident.householdId)!;
  expect(pdf).toContain(household.address.replace(/\s+/g, ''));
}

/** After the session: nothing of `previous` on the screen or in the view, and Japanese again. */
async function expectFreshStart(page: Page, previous: Resident) {
  await expect(screen(page, 'idle')).toBeVisible();
  const body = page.locator('body');
  await expect(body).not.toContainText(previous.name.family);
  await expect(body).not.toContainText(previous.foreign!.residenceCardNumber);
  await expect(screen(page, 'idle')).not.toContainText(
    system.demo.batch.municipalities.find((m) => m.code === previous.municipalityCode)!.name,
  );
  const view = await kioskView(page, system);
  expect(view.screen).toBe('idle');
  for (const key of [
    'municipalityName',
    'menu',
    'householdMembers',
    'selected',
    'quote',
    'paidYen',
    'refundYen',
    'printedDocuments',
    'keypad',
    'pinLength',
    'domicileRegistration',
    'error',
  ] as const) {
    expect(view, `view.${key} after the session`).not.toHaveProperty(key);
  }
  // The demo panel's card list names every demo resident by id: it is the panel's, not the session's.
  const { demoCards: _demoCards, ...session } = view;
  const json = JSON.stringify(session);
  expect(json).not.toContain(previous.residentId);
  expect(json).not.toContain(previous.name.family);
  // The language was the previous customer's choice: the next one starts in the default, Japanese.
  expect(view.language, 'the language the previous customer chose outlived their session').toBe('ja');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(screen(page, 'idle').locator('h1')).toHaveText(catalogs.ja.idle.heading);
  await expect(page.locator('.language-choice button[lang="ja"]')).toHaveAttribute('aria-pressed', 'true');
}

/** The next customer, a Japanese resident, goes as far as the menu in Japanese and sees only their own municipality. */
async function nextCustomerInJapanese(page: Page, previous: Resident) {
  const next = residentOf(system, system.demo.featured.chiyodaResident);
  const card = cardOf(system, next.residentId);
  await page.getByRole('button', { name: catalogs.ja.idle.start, exact: true }).click();
  await expect(screen(page, 'placeCard').locator('h1')).toHaveText(catalogs.ja.placeCard.heading);
  await page.locator(`[data-card-id="${card.cardId}"]`).click();
  await expect(screen(page, 'pin').locator('h1')).toHaveText(catalogs.ja.pin.heading);
  await enterPin(page, card.pin);
  await expect(screen(page, 'menu').locator('h1')).toHaveText(catalogs.ja.menu.heading);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.locator('[data-certificate-type="residenceRecord"]')).toContainText(catalogs.ja.certificates.residenceRecord);
  await expect(page.locator('[data-certificate-type="residenceRecord"] .name-local')).toHaveCount(0);
  await expect(screen(page, 'menu')).not.toContainText(previous.name.family);
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(catalogs.ja.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
}

test('a foreign resident does everything in English; the certificate stays Japanese; the next customer starts in Japanese', async ({
  page,
}) => {
  const { resident, pdf } = await visitIn(page, 'en');
  expectJapaneseCertificateOf(pdf, resident, 'en');
  // Finish (the card is still on the reader): the session is over.
  await page.getByRole('button', { name: catalogs.en.done.finish, exact: true }).click();
  await expectFreshStart(page, resident);
  await page.locator('[data-demo-panel] .demo-remove').click();
  await nextCustomerInJapanese(page, resident);
});

test('the same in Tiếng Việt, the session ending when the card is taken', async ({ page }) => {
  const { resident, pdf } = await visitIn(page, 'vi');
  expectJapaneseCertificateOf(pdf, resident, 'vi');
  // Taking the card from the done screen ends the session.
  await page.locator('[data-demo-panel] .demo-remove').click();
  await expectFreshStart(page, resident);
  await nextCustomerInJapanese(page, resident);
});

test('a session that ends on the error screen leaves nothing for the next customer: no error, no language', async ({ page }) => {
  const ja = catalogs.ja;
  const first = residentOf(system, system.demo.featured.ordinary);
  const card = cardOf(system, first.residentId);
  await openKiosk(page, system);
  await page.locator('.language-choice button[lang="ja"]').click();
  await page.getByRole('button', { name: ja.idle.start, exact: true }).click();
  await page.locator(`[data-card-id="${card.cardId}"]`).click();
  await enterPin(page, card.pin);
  await page.locator('[data-certificate-type="residenceRecord"]').click();
  await payIntoPrintFailure(page, system);
  await page.getByRole('button', { name: ja.error.finish, exact: true }).click();
  await expect(screen(page, 'idle')).toBeVisible();
  await page.locator('[data-demo-panel] .demo-remove').click();
  const after = await kioskView(page, system);
  expect(after.error, 'the previous customer’s error outlived their session').toBeUndefined();

  // The next customer, in English, sees a clean menu: no banner from the failure before.
  const { resident, card: next } = foreignResident();
  await page.locator('.language-choice button[lang="en"]').click();
  await page.getByRole('button', { name: catalogs.en.idle.start, exact: true }).click();
  await page.locator(`[data-card-id="${next.cardId}"]`).click();
  await enterPin(page, next.pin, catalogs.en);
  await expectScreenInLanguage(page, 'en', 'menu', catalogs.en.menu.heading);
  await expect(screen(page, 'menu').locator('[role="alert"]')).toHaveCount(0);
  await expect(screen(page, 'menu')).not.toContainText(first.name.family);
  await screen(page, 'menu')
    .getByRole('button', { name: new RegExp(catalogs.en.common.cancel) })
    .click();
  await expect(screen(page, 'idle')).toBeVisible();
  expect(resident.residentId).not.toBe(first.residentId);
});
