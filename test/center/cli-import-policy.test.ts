/**
 * The import and policy CLIs on a real database: the demo world, JSON and CSV imports with a dry run,
 * a refused file with row-level output and exit status 2, fees, and the domicile-registration
 * decision. The programs run in-process (the same commander programs the scripts run); one test
 * starts the real scripts to check the process wiring and exit status.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { runProgram, importProgram, policyProgram } from '@madoguchi/center/cli';
import { createPolicyStore } from '@madoguchi/center/policy';
import { forEachDatabase } from '../support/databases.js';
import { demo, japanInstant } from '../support/demo-world.js';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'madoguchi-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const urlOf = (config: DatabaseConfig) => (config.kind === 'sqlite' ? config.path : config.connectionString);

/** Run a CLI in-process; returns what it wrote and its exit status. */
const run = async (cli: 'import' | 'policy', config: DatabaseConfig, args: string[]) => {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io = {
    out: (t: string) => void (stdout += t),
    err: (t: string) => void (stderr += t),
    setExitCode: (c: number) => void (code = c),
  };
  await runProgram(cli === 'import' ? importProgram : policyProgram, ['--database', urlOf(config), ...args], io);
  return { code, stdout, stderr };
};

/** Run the real script in its own process. */
const spawnCli = async (cli: 'import' | 'policy', config: DatabaseConfig, args: string[]) => {
  const url = urlOf(config);
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(root, `apps/center/src/cli/${cli}.ts`), '--database', url, ...args],
      { cwd: root },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

forEachDatabase((harness) => {
  describe('import and policy CLIs', () => {
    it('imports the demo world, then answers fees from the stored policy', async () => {
      const database = await harness.fresh();
      const config = harness.configOf(database);
      const imported = await run('import', config, ['demo']);
      expect(imported.stdout).toMatch(/imported: \d+ records .*residents=272/);
      // One after the other: each run opens its own handle, and two SQLite handles in one process
      // would wait on each other's lock synchronously.
      const before = await run('policy', config, ['fee', '141003', 'residenceRecord', '--on', '2026-11-30']);
      const after = await run('policy', config, ['fee', '141003', 'residenceRecord', '--on', '2026-12-01']);
      const notOffered = await run('policy', config, ['fee', '131016', 'residenceItemsCertificate', '--on', '2026-12-01']);
      expect([before.stdout.trim(), after.stdout.trim()]).toEqual(['300', '250']);
      expect(notOffered.code).toBe(2);
    });

    it('runs as a script: output on stdout, refusals on stderr with exit status 2', async () => {
      const database = await harness.fresh();
      const config = harness.configOf(database);
      const bad = join(work, 'bad-script.json');
      writeFileSync(
        bad,
        JSON.stringify({ cardLinks: [{ residentId: 'NOBODY', issuer: 'CN=x', serialNumber: 'AB', usableFrom: '2026-01-01' }] }),
      );
      const [refused, fee] = await Promise.all([
        spawnCli('import', config, ['json', bad]),
        spawnCli('policy', config, ['fee', '141003', 'residenceRecord']),
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('cardLinks[0].residentId');
      expect(fee.code).toBe(2); // no policy stored yet
      expect(fee.stdout).toContain('is not offered');
    });

    it('imports CSV files written by to-csv, honours --dry-run, and refuses a bad JSON file with row paths (exit 2)', async () => {
      const database = await harness.fresh();
      const config = harness.configOf(database);
      const batchFile = join(work, 'batch.json');
      writeFileSync(batchFile, JSON.stringify(demo.batch));
      const csvDir = join(work, 'csv');
      expect((await run('import', config, ['to-csv', batchFile, '--out', csvDir])).stdout).toMatch(/wrote \d+ files/);

      const dry = await run('import', config, ['csv', csvDir, '--dry-run']);
      expect(dry.stdout).toMatch(/dry run, nothing changed/);
      const count = async () =>
        Number(
          (
            await database.db
              .selectFrom('residents')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count()).toBe(0);
      expect((await run('import', config, ['csv', csvDir])).code).toBe(0);
      expect(await count()).toBe(272);

      const bad = join(work, 'bad.json');
      writeFileSync(bad, JSON.stringify({ residents: [{ ...demo.batch.residents[0], birthDate: '2001-02-30' }] }));
      const refused = await run('import', config, ['json', bad]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('IMPORT_INVALID');
      expect(refused.stderr).toContain('residents[0].birthDate');
    });

    it('lists and approves a domicile registration', async () => {
      const database = await harness.fresh();
      const config = harness.configOf(database);
      await run('import', config, ['demo']);
      const application = await createPolicyStore(database).applyDomicileRegistration(
        demo.featured.domicileInOtherServedMunicipality,
        '131016',
        { now: japanInstant('2026-11-02', '10:00') },
      );
      const listed = await run('policy', config, ['domicile', 'list', '131016', '--status', 'pending']);
      expect(listed.stdout).toContain(application.registrationId);
      const approved = await run('policy', config, ['domicile', 'approve', application.registrationId, '--by', 'clerk-7']);
      expect(approved.stdout).toContain('approved by clerk-7');
      expect(await createPolicyStore(database).isDomicileRegistered(demo.featured.domicileInOtherServedMunicipality, '131016')).toBe(true);
      const again = await run('policy', config, ['domicile', 'reject', application.registrationId, '--by', 'clerk-8']);
      expect(again.code).toBe(2);
    });
  });
});
