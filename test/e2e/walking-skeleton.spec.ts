/**
 * The walking skeleton, end to end on real parts: the center (HTTPS + mutual TLS, SQLite file) and
 * the kiosk main process run as separate processes; the kiosk renderer runs in Debian Chromium;
 * the virtual My Number card signs the center's challenge with its own key; the PDF that lands in
 * the demo printer's output tray is read back and must name the resident whose card was placed,
 * and nobody else; the kiosk's own spool is empty again.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Resident } from '@madoguchi/shared';
import { feeInForce } from '@madoguchi/center/policy';
import { demoClockStart, startDemoSystem, type DemoSystem } from '../../scripts/system.js';
import { freshStateDir } from './state-templates.js';
import { fullName, pdfText, printedPdfs, screen, spoolFiles } from './support.js';

let system: DemoSystem;
/** Everything the center and kiosk processes logged during the run. */
const processLogs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(600_000);
  const stateDir = join(process.cwd(), '.var', 'e2e');
  const log = (line: string) => {
    processLogs.push(line);
    if (process.env.MADOGUCHI_VERBOSE) console.error(line);
  };
  // The start command's world, months of history included, made once for the run (state-templates.ts).
  await freshStateDir(stateDir, 'history', log);
  system = await startDemoSystem({ stateDir, log });
  rmSync(system.printedDir, { recursive: true, force: true });
});

test.afterAll(async () => {
  await system?.stop();
});

/**
 * The 住民票の写し fee the kiosk must ask for: the center's own rule (feeInForce) applied to the
 * demo data on the demo clock's day — the fee schedule changes over time (横浜市: 300円, then
 * 250円 from 2026-12-01), so a literal would go stale.
 */
function expectedResidenceRecordFee(holder: Resident): number {
  const policy = system.demo.policies.find((p) => p.municipalityCode === holder.municipalityCode)!;
  const offering = policy.offerings.find((o) => o.certificateType === 'residenceRecord')!;
  // The center runs from this instant (scripts/system.ts); its Japan date is the first ten characters.
  const demoDay = demoClockStart(
    new Date(),
    system.demo.holidays.map((h) => h.date),
  ).slice(0, 10);
  const fee = feeInForce(offering, demoDay);
  expect(fee, `a 住民票の写し fee in force on ${demoDay}`).not.toBeNull();
  return fee!;
}

/** Residents of other households whose names could not legitimately be on `holder`'s certificate. */
function outsiders(holder: Resident): Resident[] {
  const { residents } = system.demo.batch;
  const own = new Set(residents.filter((r) => r.householdId === holder.householdId).map(fullName));
  return residents.filter((r) => r.householdId !== holder.householdId && !own.has(fullName(r)));
}

test('a resident places their card, enters the PIN and gets their own 住民票の写し', async ({ page }) => {
  const { batch, featured } = system.demo;
  const holder = batch.residents.find((r) => r.residentId === featured.ordinary)!;
  const household = batch.residents.filter((r) => r.householdId === holder.householdId);
  const card = system.cards.find((c) => c.residentId === holder.residentId && !c.edge)!;

  const intents: string[] = [];
  page.on('request', (r) => r.method() === 'POST' && intents.push(r.postData() ?? ''));
  page.on('console', (m) => process.env.MADOGUCHI_VERBOSE && console.error(`[browser] ${m.text()}`));
  await page.goto(system.kioskUrl);
  await expect(screen(page, 'idle')).toBeVisible();
  await page.getByRole('button', { name: 'はじめる' }).click();
  await expect(screen(page, 'placeCard')).toBeVisible();
  await page.locator(`[data-card-id="${card.cardId}"]`).click();

  await expect(screen(page, 'pin')).toBeVisible();
  for (const digit of card.pin) await screen(page, 'pin').getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: '決定' }).click();

  await expect(screen(page, 'menu')).toBeVisible();
  // The PIN never crossed the bridge: key presses are positions on a shuffled keypad, nothing else.
  const keyPresses = intents.map((b) => JSON.parse(b) as Record<string, unknown>).filter((i) => i.type === 'pinKey');
  expect(keyPresses).toHaveLength(4);
  for (const press of keyPresses) expect(Object.keys(press).sort()).toEqual(['position', 'type']);
  for (const body of intents) expect(body).not.toMatch(new RegExp(`(^|\\D)${card.pin}(\\D|$)`));
  await page.getByRole('button', { name: /住民票の写し/ }).click();

  await expect(screen(page, 'options')).toBeVisible();
  // Walk the option steps with their defaults (whole household, standard items, one copy).
  for (let step = 0; step < 20 && (await screen(page, 'options').isVisible()); step++) {
    const heading = await page.locator('h1').first().textContent();
    const whole = page.getByRole('button', { name: /世帯全員/ });
    if (await whole.isVisible()) await whole.click();
    else await page.getByRole('button', { name: '次へ' }).click();
    await expect(page.locator('h1').first())
      .not.toHaveText(heading ?? '', { timeout: 5000 })
      .catch(() => undefined);
  }

  await expect(screen(page, 'payment')).toBeVisible();
  await expect(page.getByTestId('amount-due')).toHaveAttribute('data-yen', String(expectedResidenceRecordFee(holder)));
  await page.locator('button[data-yen="500"]').click();
  await expect(screen(page, 'done')).toBeVisible({ timeout: 30_000 });

  const files = printedPdfs(system);
  expect(files).toHaveLength(1);
  // Printed: nothing of the resident stays on the kiosk's disk.
  expect(spoolFiles(system)).toEqual([]);
  const pages = await pdfText(join(system.printedDir, files[0]!));
  const all = pages.join('');
  for (const member of household) expect(all).toContain(fullName(member));
  const address = batch.households.find((h) => h.householdId === holder.householdId)!.address;
  expect(all).toContain(address.replace(/\s+/g, ''));
  // Nobody from another household appears on the certificate: not by name, not by My Number.
  const others = outsiders(holder);
  expect(others.length).toBeGreaterThan(100); // the check below is not vacuous
  for (const other of others) {
    expect(all, other.residentId).not.toContain(fullName(other));
    expect(all, other.residentId).not.toContain(other.myNumber);
  }
  expect(all).toContain('世帯全員の住民票の原本と相違ないことを証明する');
  pages.forEach((text, i) => expect(text).toContain(`${i + 1}/${pages.length}`));

  // Nothing personal reached a log: not the PIN, not a name, not the address, not a My Number.
  const logs = processLogs.join('\n');
  expect(logs).toContain('resident authenticated'); // the check below is not vacuous
  expect(logs).not.toMatch(new RegExp(`(^|\\D)${card.pin}(\\D|$)`));
  for (const member of household) {
    expect(logs).not.toContain(member.name.family + member.name.given);
    expect(logs).not.toContain(member.myNumber);
  }
  expect(logs).not.toContain(address);

  // Taking the card ends the session: the screen returns to the start with nothing of the resident.
  await page.getByRole('button', { name: 'カードを取り外す' }).click();
  await expect(screen(page, 'idle')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(holder.name.family);
  await expect(page.locator('body')).not.toContainText('横浜市');
});

test('choosing 本人のみ prints the resident alone, without the rest of the household', async ({ page }) => {
  const { batch, featured } = system.demo;
  const holder = batch.residents.find((r) => r.residentId === featured.ordinary)!;
  const rest = batch.residents.filter((r) => r.householdId === holder.householdId && r.residentId !== holder.residentId);
  expect(rest.length).toBeGreaterThan(0);
  const card = system.cards.find((c) => c.residentId === holder.residentId && !c.edge)!;
  const before = new Set(printedPdfs(system));

  await signIn(page, card.cardId, card.pin);
  await expect(screen(page, 'menu')).toBeVisible();
  await page.getByRole('button', { name: /住民票の写し/ }).click();
  await expect(screen(page, 'options')).toBeVisible();
  // 必要な人だけ選ぶ, then tick only the card holder (本人のみ), then the defaults.
  await page.getByRole('button', { name: '必要な人だけ選ぶ' }).click();
  const self = page.locator(`[data-resident-id="${holder.residentId}"]`);
  await self.click();
  await expect(self).toHaveAttribute('aria-checked', 'true');
  for (const member of rest)
    await expect(page.locator(`[data-resident-id="${member.residentId}"]`)).toHaveAttribute('aria-checked', 'false');
  for (let step = 0; step < 10 && (await screen(page, 'options').isVisible()); step++) {
    const heading = await page.locator('h1').first().textContent();
    await page.getByRole('button', { name: '次へ' }).click();
    await expect(page.locator('h1').first())
      .not.toHaveText(heading ?? '', { timeout: 5000 })
      .catch(() => undefined);
  }

  await expect(screen(page, 'payment')).toBeVisible();
  await expect(page.getByTestId('amount-due')).toHaveAttribute('data-yen', String(expectedResidenceRecordFee(holder)));
  await page.locator('button[data-yen="500"]').click();
  await expect(screen(page, 'done')).toBeVisible({ timeout: 30_000 });

  const files = printedPdfs(system).filter((f) => !before.has(f));
  expect(files).toHaveLength(1);
  const all = (await pdfText(join(system.printedDir, files[0]!))).join('');
  expect(all).toContain(fullName(holder));
  expect(all).toContain('この写しは、住民票の原本と相違ないことを証明する');
  expect(all).not.toContain('世帯全員の住民票の原本と相違ないことを証明する');
  for (const member of rest) {
    expect(all, member.residentId).not.toContain(fullName(member));
    expect(all, member.residentId).not.toContain(member.myNumber);
  }
  for (const other of outsiders(holder)) expect(all, other.residentId).not.toContain(fullName(other));

  await page.getByRole('button', { name: 'カードを取り外す' }).click();
  await expect(screen(page, 'idle')).toBeVisible();
});

async function signIn(page: Page, cardId: string, pin: string) {
  await page.goto(system.kioskUrl);
  // The previous test may have left its card on the reader (中止 keeps the card where it is).
  const remove = page.getByRole('button', { name: 'カードを取り外す' });
  if (await remove.isEnabled()) await remove.click();
  await page.getByRole('button', { name: 'はじめる' }).click();
  await page.locator(`[data-card-id="${cardId}"]`).click();
  await expect(screen(page, 'pin')).toBeVisible();
  for (const digit of pin) await screen(page, 'pin').getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: '決定' }).click();
}

test('a refusal is shown on the menu before any payment (household with a pending move-out)', async ({ page }) => {
  const card = system.cards.find((c) => c.residentId === system.demo.featured.householdOfPendingMoveOut && !c.edge)!;
  await signIn(page, card.cardId, card.pin);
  await expect(screen(page, 'menu')).toBeVisible();
  const item = page.locator('[data-certificate-type="residenceRecord"]');
  await expect(item).toBeDisabled();
  await expect(page.locator('.refusal-group', { has: item }).locator('.refusal')).toContainText('転出の届出中');
  // Her own seal certificate is still available: the refusal is per certificate, not per resident.
  await expect(page.locator('[data-certificate-type="sealCertificate"]')).toBeEnabled();
  await page.getByRole('button', { name: /中止/ }).click();
  await expect(screen(page, 'idle')).toBeVisible();
});

test('a wrong PIN says how many tries are left and shuffles the keypad again', async ({ page }) => {
  const card = system.cards.find((c) => c.residentId === system.demo.featured.chiyodaResident && !c.edge)!;
  await signIn(page, card.cardId, '0000');
  await expect(screen(page, 'pin')).toContainText('あと2回');
  // The right PIN still works, and a correct entry resets the counter on the card.
  for (const digit of card.pin) await screen(page, 'pin').getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: '決定' }).click();
  await expect(screen(page, 'menu')).toBeVisible();
});
