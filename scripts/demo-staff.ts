/**
 * The demo's staff console accounts: an operator, an auditor (who reads the operations pages and
 * changes nothing), the administrator of the first demo municipality, and a clerk of 千代田区
 * (the 本籍地 of a 横浜市 resident, whose 本籍地 registration the clerk decides). Each has a random
 * password and TOTP secret made once per state directory and
 * kept, 0600, in <state>/center/demo-staff.json, next to the database they are created in — so a
 * second start prints the same credentials and creates nothing. Demo only: production accounts
 * enrol through their one-time link (`staff create`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEnrolledStaff, newTotpSecret, type CenterDatabase } from '@madoguchi/center';
import type { StaffRole } from '@madoguchi/shared';
import type { DemoData } from '@madoguchi/shared/demo-data';

export interface DemoStaffAccount {
  loginId: string;
  role: StaffRole;
  municipalityCode: string | null;
  password: string;
  /** Base32, as an authenticator app takes it. */
  totpSecret: string;
}

const CLERK_MUNICIPALITY = '131016';

/** Who the demo's accounts are; the secrets are made in ensureDemoStaff. */
function demoStaffPlan(demo: DemoData): Omit<DemoStaffAccount, 'password' | 'totpSecret'>[] {
  const first = demo.batch.municipalities[0]!.code;
  const clerkCode = demo.batch.municipalities.some((m) => m.code === CLERK_MUNICIPALITY) ? CLERK_MUNICIPALITY : first;
  return [
    { loginId: 'demo-operator', role: 'operator', municipalityCode: null },
    { loginId: 'demo-auditor', role: 'auditor', municipalityCode: null },
    { loginId: `demo-admin-${first}`, role: 'municipalityAdministrator', municipalityCode: first },
    { loginId: `demo-clerk-${clerkCode}`, role: 'municipalityClerk', municipalityCode: clerkCode },
  ];
}

/** `<state>/center/demo-staff.json`: where the demo's credentials are kept between starts. */
export const demoStaffFile = (centerDir: string) => join(centerDir, 'demo-staff.json');

/**
 * Creates the demo accounts missing from `database` (an account already there is left alone) and
 * answers all of them with their credentials. The credentials file and the database live and die
 * together in the state directory; an account in the database without its file cannot be shown,
 * and is reported rather than guessed.
 */
export async function ensureDemoStaff(
  database: CenterDatabase,
  demo: DemoData,
  centerDir: string,
  log: (line: string) => void,
): Promise<DemoStaffAccount[]> {
  const file = demoStaffFile(centerDir);
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoStaffAccount[]) : [];
  const accounts = demoStaffPlan(demo).map(
    (plan) =>
      kept.find((k) => k.loginId === plan.loginId) ?? {
        ...plan,
        // 18 random bytes: a demo password nobody can guess, printed at every start.
        password: randomBytes(18).toString('base64url'),
        totpSecret: newTotpSecret(),
      },
  );
  const existing = new Set((await database.db.selectFrom('staff_users').select('login_id').execute()).map((r) => r.login_id));
  const lost = accounts.find((a) => existing.has(a.loginId) && !kept.some((k) => k.loginId === a.loginId));
  if (lost) throw new Error(`demo account ${lost.loginId} exists without its credentials in ${file}: remove the demo state directory`);
  writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  for (const account of accounts) {
    if (existing.has(account.loginId)) continue;
    const { loginId, role, municipalityCode, password, totpSecret } = account;
    await createEnrolledStaff(database, { loginId, role, municipalityCode, password, totpSecret });
    log(`demo staff account ${loginId} created`);
  }
  return accounts;
}
