/**
 * The staff console end to end on SQLite (issue 11, items 7 and 8): the system the start command
 * runs, with its demo staff, in Debian Chromium. Sign-in with TOTP (codes computed here with
 * otpauth from each account's otpauth URI), every page in Japanese and English with axe-core (no
 * serious or critical violation) and a picture of each for docs/console/, then what a
 * municipality does and what the kiosk shows for it: an outage declared in the console refuses the
 * certificate on the kiosk menu at once; a CSV import with a formula is reported row by row and a
 * clean one applied; a 本籍地 registration applied at the kiosk and approved by the 本籍地's clerk
 * puts 戸籍 on the resident's menu; bad input (a negative fee, an overlapping hour range, an outage
 * in the past, a file that is not an image) is shown in the page with nothing saved; and a fee change
 * scheduled in the console is what the kiosk charges on its day — the center restarted on its clock
 * moved to that day, as it would run then. console-postgres.spec.ts walks a shorter path on PostgreSQL.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { demoClockStart } from '@madoguchi/shared/demo-data';
import { cardOf, refusalReasonOf, residentOf, screen, walkOptionsWithDefaults, catalogs } from './support.js';
import {
  chooseLanguage,
  consolePage,
  demoAccount,
  expectNoSeriousViolations,
  applyDomicileAtKiosk,
  fillSignIn,
  leaveKioskMenu,
  municipalityPages,
  shoot,
  signInAs,
  startConsoleSystem,
  toKioskMenu,
  totpNow,
  typeDate,
  type ConsoleSystem,
} from './console-support.js';

const YOKOHAMA = '141003';
const CHIYODA = '131016';
const ja = catalogs.ja;

let system: ConsoleSystem;
const contexts: BrowserContext[] = [];
let operator: Page;
let admin: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  // The municipality pages need none of the demo's months of history (console-operations.spec.ts walks it).
  system = await startConsoleSystem('console', { history: false });
  for (const role of ['operator', 'municipalityAdministrator'] as const) {
    const signedIn = await signInAs(browser, system, demoAccount(system, role));
    contexts.push(signedIn.context);
    if (role === 'operator') operator = signedIn.page;
    else admin = signedIn.page;
  }
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await system?.stop();
});

const municipalityUrl = (code: string, path = '') => `${system.consoleUrl}municipalities/${code}${path ? `/${path}` : ''}`;

/**
 * Waits for a page's content (its loading indicator gone) before looking at it. Generous: a sample
 * certificate is rendered by the center's worker pool, which takes seconds on a loaded machine.
 */
async function settled(page: Page, name: string) {
  await expect(consolePage(page, name)).toBeVisible({ timeout: 30_000 });
  await expect(consolePage(page, name).locator('.loading')).toHaveCount(0, { timeout: 90_000 });
}

async function chooseOption(page: Page, label: string, option: string) {
  await page
    .locator('.field.select', { has: page.getByText(label, { exact: true }) })
    .locator('.select-button')
    .click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('sign-in: a wrong code is refused in the page; the right one opens the console', async ({ browser }) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(system.consoleUrl);
  // Not signed in: the console sends the browser to sign-in.
  await expect(consolePage(page, 'sign-in')).toBeVisible();
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await expectNoSeriousViolations(page, 'sign-in (ja)');
  await shoot(page, 'sign-in');
  const clerk = demoAccount(system, 'municipalityClerk');
  const right = totpNow(clerk);
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
  await fillSignIn(page, clerk.loginId, clerk.password, wrong);
  await expect(consolePage(page, 'sign-in').getByRole('alert')).toContainText('ログイン');
  await expect(consolePage(page, 'sign-in')).toBeVisible();
  await fillSignIn(page, clerk.loginId, clerk.password, right);
  // A clerk goes straight to their own municipality.
  await settled(page, 'overview');
  await expect(page).toHaveURL(new RegExp(`/municipalities/${CHIYODA}$`));
  await chooseLanguage(page, 'en');
  await page.goto(system.consoleUrl);
  await page.goto(`${system.consoleUrl}sign-in`);
  await expectNoSeriousViolations(page, 'sign-in (en)');
});

test('every page, in Japanese and in English: axe finds nothing serious, and a picture of each', async () => {
  test.setTimeout(480_000);
  const page = operator;
  // Each page is loaded once and looked at in both languages: the switch changes the words in place.
  const visit = async (url: string, name: string, picture: string) => {
    await page.goto(url);
    await settled(page, name);
    for (const language of ['ja', 'en'] as const) {
      await chooseLanguage(page, language);
      await expect(consolePage(page, name).locator('h1')).not.toBeEmpty();
      await expectNoSeriousViolations(page, `${picture} (${language})`);
      if (language === 'ja') await shoot(page, picture);
    }
    await chooseLanguage(page, 'ja');
  };
  await visit(system.consoleUrl, 'home', 'home');
  await expect(consolePage(page, 'home').getByRole('link', { name: '横浜市' })).toBeVisible();
  await visit(`${system.consoleUrl}staff`, 'service-staff', 'service-staff');
  await visit(`${system.consoleUrl}account`, 'account', 'account');
  for (const [path, name] of municipalityPages)
    await visit(municipalityUrl(YOKOHAMA, path), name, name === 'staff' ? 'municipality-staff' : name);
});

test('a new clerk added in the console gets a one-time enrolment link that opens the enrolment page', async ({ browser }) => {
  await operator.goto(municipalityUrl(CHIYODA, 'staff'));
  await settled(operator, 'staff');
  await operator.getByLabel('ログインID').fill('e2e-new-clerk');
  await chooseOption(operator, '役割', '市区町村職員');
  await operator.getByRole('button', { name: '追加して登録用リンクを作る' }).click();
  const link = (await operator.getByTestId('enrolment-link').textContent())!.trim();
  expect(link).toMatch(/\/console\/enrol\/[A-Za-z0-9_-]{32,64}$/);
  await expect(operator.getByTestId('staff')).toContainText('e2e-new-clerk');
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(link);
  await settled(page, 'enrol');
  await expect(consolePage(page, 'enrol')).toContainText('e2e-new-clerk');
  await expectNoSeriousViolations(page, 'enrol (ja)');
  await shoot(page, 'enrol');
});

test('an outage declared in the console refuses the certificate on the kiosk menu at once; one in the past is refused', async ({
  page: kiosk,
}) => {
  const resident = residentOf(system, system.demo.featured.ordinary);
  const card = cardOf(system, resident.residentId);
  const itemsCertificate = kiosk.locator('[data-certificate-type="residenceItemsCertificate"]');
  const toMenu = () => toKioskMenu(kiosk, system, card);
  await toMenu();
  await expect(itemsCertificate).toBeEnabled();
  await leaveKioskMenu(kiosk);

  await admin.goto(municipalityUrl(YOKOHAMA, 'hours'));
  await settled(admin, 'hours');
  const form = admin.getByRole('form', { name: '休止を登録する' });
  const now = system.centerNow();
  const japan = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString();
  const today = japan(now).slice(0, 10);
  // In the past: over before it was declared. Refused on the field, and nothing listed.
  await typeDate(admin, '開始', today, '06:00');
  await typeDate(admin, '終了', today, '07:00');
  await form.getByLabel('理由').fill('過去の休止');
  // react-aria draws the box over its hidden input: a clerk clicks the label.
  await form.locator('label.checkbox', { hasText: '住民票記載事項証明書' }).click();
  await expect(form.getByRole('checkbox', { name: '住民票記載事項証明書' })).toBeChecked();
  await form.getByRole('button', { name: '休止を登録' }).click();
  await expect(form.getByRole('alert').first()).toBeVisible();
  const outages = admin.locator('.section table').filter({ has: admin.locator('caption', { hasText: '休止の一覧' }) });
  await expect(outages).not.toContainText('過去の休止');
  // From a minute ago to two hours on: in progress as soon as it is saved.
  const from = japan(new Date(now.getTime() - 60_000));
  const until = japan(new Date(now.getTime() + 2 * 3_600_000));
  await typeDate(admin, '開始', from.slice(0, 10), from.slice(11, 16));
  await typeDate(admin, '終了', until.slice(0, 10), until.slice(11, 16));
  await form.getByLabel('理由').fill('システム保守');
  await form.getByRole('button', { name: '休止を登録' }).click();
  await expect(form.getByRole('status')).toHaveText('保存しました');
  await expect(outages.locator('tr', { hasText: 'システム保守' })).toContainText('休止中');
  await expect(outages).not.toContainText('過去の休止');

  await toMenu();
  await expect(itemsCertificate).toBeDisabled();
  await expect(kiosk.locator('.refusal-group[data-refusal="ELIGIBILITY_OUTAGE"]')).toContainText(ja.menu.unavailable);
  await expect(refusalReasonOf(kiosk, 'residenceItemsCertificate')).toBeVisible();
  await expect(kiosk.locator('[data-certificate-type="residenceRecord"]')).toBeEnabled();
  await leaveKioskMenu(kiosk);
});

test('bad input is shown in the page and nothing is saved: a negative fee, overlapping hours, a file that is not an image', async () => {
  // A negative fee: refused on the field before it is sent; the schedule is unchanged.
  await admin.goto(municipalityUrl(YOKOHAMA, 'fees'));
  await settled(admin, 'fees');
  const schedule = admin.locator('[data-certificate-type="residenceRecord"] table');
  const before = await schedule.textContent();
  const feeForm = admin.getByRole('form', { name: '手数料の変更を予定する' });
  await typeDate(admin, '適用開始日', '2099-04-01');
  await feeForm.getByLabel('手数料（円、整数）').fill('-100');
  await feeForm.getByRole('button', { name: '予定を登録' }).click();
  await expect(feeForm.locator('.field-error')).toContainText('0円以上');
  await admin.reload();
  await settled(admin, 'fees');
  expect(await schedule.textContent()).toBe(before);

  // Overlapping hours: the center names both ranges; after a reload the rows are as they were.
  await admin.goto(municipalityUrl(YOKOHAMA, 'hours'));
  await settled(admin, 'hours');
  const rows = admin.locator('fieldset.hours-row');
  const rowCount = await rows.count();
  await admin.getByRole('button', { name: '時間帯を追加' }).click();
  await expect(rows).toHaveCount(rowCount + 1);
  await admin.getByRole('button', { name: '取扱時間を保存' }).click();
  await expect(admin.locator('.error-message')).toContainText('hours');
  await admin.reload();
  await settled(admin, 'hours');
  await expect(rows).toHaveCount(rowCount);

  // A text file named like an image: refused in the page, nothing offered to save.
  await admin.goto(municipalityUrl(YOKOHAMA, 'head'));
  await settled(admin, 'head-seal');
  await admin
    .locator('input[type="file"]')
    .setInputFiles({ name: 'seal.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all\n') });
  await expect(consolePage(admin, 'head-seal').locator('.error-message')).toBeVisible();
  await expect(admin.getByRole('button', { name: 'この公印を保存' })).toBeDisabled();
});

test('an import with errors is reported row by row and nothing applied; a clean one is applied and in the history', async () => {
  await admin.goto(municipalityUrl(YOKOHAMA, 'imports'));
  await settled(admin, 'imports');
  const m = system.demo.batch.municipalities.find((x) => x.code === YOKOHAMA)!;
  const header = 'code,prefecture,name,kind,population,headTitle,headName';
  const csv = (headName: string) =>
    Buffer.from(`${header}\n${m.code},${m.prefecture},${m.name},${m.kind},${m.population},${m.head.title},${headName}\n`);
  const apply = admin.getByRole('button', { name: '取り込む', exact: true });

  await admin.locator('input[type="file"]').setInputFiles({ name: 'municipalities.csv', mimeType: 'text/csv', buffer: csv('=1+2') });
  await admin.getByRole('button', { name: '試行（検証のみ）' }).click();
  await expect(admin.getByTestId('import-summary')).toContainText('1件の問題があります');
  await expect(admin.getByTestId('import-issues')).toContainText('municipalities.csv:2:headName');
  await expect(apply).toBeDisabled();
  await shoot(admin, 'imports-report');

  await admin.locator('input[type="file"]').setInputFiles({ name: 'municipalities.csv', mimeType: 'text/csv', buffer: csv(m.head.name) });
  await admin.getByRole('button', { name: '試行（検証のみ）' }).click();
  await expect(admin.getByTestId('import-summary')).toContainText('問題はありません');
  await apply.click();
  await admin.getByRole('alertdialog').getByRole('button', { name: '実行する' }).click();
  await expect(admin.getByTestId('import-summary')).toContainText('取り込みました');
  const history = admin.locator('table', { has: admin.locator('caption', { hasText: '取込の履歴' }) });
  await expect(history.locator('tbody tr')).toHaveCount(3);
  // Who: the administrator's staff id, never a name.
  await expect(history).toContainText(await staffIdOf(admin));
});

/** The signed-in staff member's id, as the account page shows it. */
async function staffIdOf(page: Page): Promise<string> {
  const res = await page.request.get(`${system.centerUrl}/console/api/v1/session`);
  return ((await res.json()) as { staffId: string }).staffId;
}

test('a 本籍地 registration applied at the kiosk and approved in the console puts 戸籍 on the menu', async ({ page: kiosk, browser }) => {
  const resident = residentOf(system, system.demo.featured.domicileInOtherServedMunicipality);
  const card = cardOf(system, resident.residentId);
  const toMenu = () => toKioskMenu(kiosk, system, card);
  await toMenu();
  await applyDomicileAtKiosk(kiosk);

  // The 本籍地's clerk (千代田区) signs in and approves it.
  const { context, page: clerk } = await signInAs(browser, system, demoAccount(system, 'municipalityClerk'));
  contexts.push(context);
  await clerk.goto(municipalityUrl(CHIYODA, 'domicile-registrations'));
  await settled(clerk, 'domicile-registrations');
  const pending = clerk.getByTestId('domicile-pending');
  const row = pending.locator('tbody tr', { hasText: `${resident.name.family}` });
  await expect(row).toHaveCount(1);
  await shoot(clerk, 'domicile-registrations-pending');
  await row.getByRole('button', { name: '承認' }).click();
  await clerk.getByRole('alertdialog').getByRole('button', { name: '実行する' }).click();
  await expect(pending.locator('tbody tr', { hasText: `${resident.name.family}` })).toHaveCount(0);

  await toMenu();
  for (const type of ['familyRegisterFull', 'familyRegisterIndividual'])
    await expect(kiosk.locator(`[data-certificate-type="${type}"]`)).toBeEnabled();
  await leaveKioskMenu(kiosk);
});

test('a fee change scheduled in the console is charged at the kiosk on its day', async ({ page: kiosk, browser }) => {
  test.setTimeout(180_000);
  const holidays = system.demo.holidays.map((h) => h.date);
  // The next service day (a weekday, not a holiday) at 10:00 Japan time.
  const day = demoClockStart(system.centerNow(), holidays);
  const effectiveFrom = day.slice(0, 10);
  const resident = residentOf(system, system.demo.featured.ordinary);
  const card = cardOf(system, resident.residentId);
  const feeToday = system.demo.policies
    .find((p) => p.municipalityCode === YOKOHAMA)!
    .offerings.find((o) => o.certificateType === 'residenceRecord')!
    .fees.at(-1)!.feeYen;
  const newFee = feeToday === 200 ? 220 : 200;

  await admin.goto(municipalityUrl(YOKOHAMA, 'fees'));
  await settled(admin, 'fees');
  const feeForm = admin.getByRole('form', { name: '手数料の変更を予定する' });
  await typeDate(admin, '適用開始日', effectiveFrom);
  await feeForm.getByLabel('手数料（円、整数）').fill(String(newFee));
  await feeForm.getByRole('button', { name: '予定を登録' }).click();
  await expect(feeForm.getByRole('status')).toHaveText('保存しました');
  const schedule = admin.locator('[data-certificate-type="residenceRecord"] table');
  await expect(schedule.locator('tr', { hasText: effectiveFrom })).toContainText('予定');

  const payFor = async () => {
    await toKioskMenu(kiosk, system, card);
    await kiosk.locator('[data-certificate-type="residenceRecord"]').click();
    await walkOptionsWithDefaults(kiosk);
    const due = Number(await kiosk.getByTestId('amount-due').getAttribute('data-yen'));
    await screen(kiosk, 'payment')
      .getByRole('button', { name: new RegExp(ja.common.cancel) })
      .click();
    await expect(screen(kiosk, 'idle')).toBeVisible();
    return due;
  };
  // Today the kiosk still charges the fee in force.
  expect(await payFor()).toBe(feeToday);

  // The next service day: the center as it runs then.
  await system.restartCenter(day);
  expect(await payFor()).toBe(newFee);
  // …and the console says the new fee is in force (a new sign-in: the old session idled out overnight).
  const { context, page } = await signInAs(browser, system, demoAccount(system, 'municipalityAdministrator'));
  contexts.push(context);
  await page.goto(municipalityUrl(YOKOHAMA, 'fees'));
  await settled(page, 'fees');
  await expect(page.locator('[data-certificate-type="residenceRecord"] table tr', { hasText: effectiveFrom })).toContainText('適用中');
});
