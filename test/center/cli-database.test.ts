/**
 * How every operator CLI finds and opens the center's database (issue 9, item 5): the server's
 * --state / MADOGUCHI_CENTER_STATE and --database / MADOGUCHI_DATABASE_URL, an existing database
 * only, never created or migrated unless asked for. Before this, `audit verify` in an empty
 * directory created .madoguchi/center/center.sqlite, migrated it and printed "OK 0 rows".
 *
 * The scripts run as real processes from an empty working directory with no MADOGUCHI_* variables,
 * so nothing of the developer's own state can answer for them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { auditProgram, runProgram, importProgram } from '@madoguchi/center/cli';
import { ensureCenterState, openDatabase, migrate, createKioskKeyAndCsr } from '@madoguchi/center';
import { migrations, type DatabaseConfig } from '@madoguchi/center/db';
import { forEachDatabase } from '../support/databases.js';

const root = join(import.meta.dirname, '../..');
const tsxLoader = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
const work = mkdtempSync(join(tmpdir(), 'madoguchi-cli-database-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cleanEnv = (extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MADOGUCHI_'))),
  ...extra,
});

/** Run a CLI script as its own process in `cwd`. */
async function script(cli: 'audit' | 'import' | 'policy' | 'kiosk', args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', tsxLoader, join(root, `apps/center/src/cli/${cli}.ts`), ...args],
      { cwd, env: cleanEnv(env), encoding: 'utf8' },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Run a CLI in-process; returns what it wrote and its exit status. */
async function inProcess(make: typeof auditProgram, args: string[]) {
  let stdout = '';
  let stderr = '';
  let code = 0;
  await runProgram(make, args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), setExitCode: (c) => void (code = c) });
  return { code, stdout, stderr };
}

const emptyDir = (name: string) => {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** A center state directory as the server's first start leaves it: keys, kiosk CA, migrated database. */
async function centerState(name: string) {
  const state = ensureCenterState(join(work, name));
  const database = await openDatabase({ kind: 'sqlite', path: state.sqlitePath });
  await migrate(database);
  await database.close();
  return state;
}

describe('operator CLIs open only an existing database', () => {
  it('`audit verify` in an empty directory exits non-zero with DATABASE_NOT_FOUND and creates nothing', async () => {
    const cwd = emptyDir('empty');
    const result = await script('audit', ['verify'], cwd);
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('OK');
    expect(result.stderr).toContain('DATABASE_NOT_FOUND');
    expect(result.stderr).toContain(join('.madoguchi', 'center', 'center.sqlite'));
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('`audit verify --state DIR` and MADOGUCHI_CENTER_STATE=DIR read that state’s database', async () => {
    const state = await centerState('state-a');
    const csr = createKioskKeyAndCsr(join(work, 'kiosk-a'), 'T-STATE-A');
    // Enrolling writes one row to the history (kiosk_enrolled): the verify below must see it.
    const enrolled = await script(
      'kiosk',
      [
        '--state',
        state.dir,
        'enroll',
        '--csr',
        csr.csrPath,
        '--terminal-id',
        'T-STATE-A',
        '--printer-id',
        'P01',
        '--store-code',
        'S1',
        '--store-name',
        'テスト店',
        '--out',
        join(work, 'kiosk-a.cert.pem'),
      ],
      emptyDir('cwd-a'),
    );
    expect(enrolled.stderr).toBe('');
    expect(enrolled.stdout).toContain('enrolled T-STATE-A');

    const byFlag = await script('audit', ['--state', state.dir, 'verify'], emptyDir('cwd-b'));
    expect(byFlag).toMatchObject({ code: 0 });
    expect(byFlag.stdout).toMatch(/^OK 1 rows, head 1:[0-9a-f]{64}$/m);
    const byEnv = await script('audit', ['verify'], emptyDir('cwd-c'), { MADOGUCHI_CENTER_STATE: state.dir });
    expect(byEnv.stdout).toBe(byFlag.stdout);
    // MADOGUCHI_DATABASE_URL names the database like the server's, over the state's default file.
    const byUrl = await script('audit', ['--state', emptyDir('unused-state'), 'verify'], emptyDir('cwd-d'), {
      MADOGUCHI_DATABASE_URL: state.sqlitePath,
    });
    expect(byUrl.stdout).toBe(byFlag.stdout);
  });

  it('`audit verify --state DIR` on a state directory without a database fails and leaves it without one', async () => {
    const state = ensureCenterState(join(work, 'state-without-database'));
    const result = await script('audit', ['--state', state.dir, 'verify'], emptyDir('cwd-e'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DATABASE_NOT_FOUND');
    expect(existsSync(state.sqlitePath)).toBe(false);
  });

  it('the import, policy and kiosk CLIs refuse a missing database too, and create nothing', async () => {
    const cwd = emptyDir('empty-2');
    const batch = join(work, 'batch.json');
    writeFileSync(batch, JSON.stringify({ municipalities: [] }));
    for (const [cli, args] of [
      ['import', ['json', batch]],
      ['import', ['demo']],
      ['policy', ['show', '131016']],
      ['kiosk', ['list']],
    ] as const) {
      const result = await script(cli, [...args], cwd);
      expect(result.code, `${cli} ${args.join(' ')}`).not.toBe(0);
      expect(result.stderr, `${cli} ${args.join(' ')}`).toContain('DATABASE_NOT_FOUND');
    }
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('`--migrate` is the way to ask for a new database: `import demo --migrate` into an empty state creates and fills it', async () => {
    const state = join(emptyDir('new-state'), 'center');
    const imported = await inProcess(importProgram, ['--state', state, '--migrate', 'demo']);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/imported: \d+ records .*residents=272/);
    expect((await inProcess(auditProgram, ['--state', state, 'verify'])).stdout).toBe('OK 0 rows, head none\n');
  });

  it('`kiosk enroll` refuses a state directory without the center’s kiosk CA instead of making a new CA', async () => {
    const cwd = emptyDir('empty-3');
    const csr = createKioskKeyAndCsr(join(work, 'kiosk-b'), 'T-NO-CA');
    const result = await script(
      'kiosk',
      [
        '--state',
        join(cwd, 'nowhere'),
        'enroll',
        '--csr',
        csr.csrPath,
        '--terminal-id',
        'T-NO-CA',
        '--printer-id',
        'P01',
        '--store-code',
        'S1',
        '--store-name',
        'x',
      ],
      cwd,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no kiosk CA');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

const urlOf = (config: DatabaseConfig) => (config.kind === 'sqlite' ? config.path : config.connectionString);

forEachDatabase((harness) => {
  describe('operator CLIs and the schema version', () => {
    it('refuse a database with no center schema (DATABASE_NOT_FOUND) and leave it so', async () => {
      const database = await harness.fresh({ migrate: false });
      const result = await inProcess(auditProgram, ['--database', urlOf(harness.configOf(database)), 'verify']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('DATABASE_NOT_FOUND');
      expect(result.stdout).toBe('');
      expect(await database.db.introspection.getTables()).toEqual([]);
    });

    it('refuse a schema older than the code (DATABASE_TOO_OLD, saying how to migrate), migrate it only with --migrate', async () => {
      const database = await harness.fresh({ migrate: false });
      await migrate(database, migrations.slice(0, 2));
      const url = urlOf(harness.configOf(database));
      const applied = async () =>
        (
          await database.db
            .selectFrom('schema_migrations' as never)
            .select('id' as never)
            .execute()
        ).length;

      const refused = await inProcess(importProgram, ['--database', url, 'demo']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('DATABASE_TOO_OLD');
      expect(refused.stderr).toContain('--migrate');
      expect(await applied()).toBe(2);

      const verified = await inProcess(auditProgram, ['--database', url, '--migrate', 'verify']);
      expect(verified.stdout).toBe('OK 0 rows, head none\n');
      expect(await applied()).toBe(migrations.length);
    });

    it('refuse a database newer than the code (DATABASE_TOO_NEW)', async () => {
      const database = await harness.fresh();
      await database.db
        .insertInto('schema_migrations' as never)
        .values({ id: '9999_from_the_future', applied_at: new Date().toISOString() } as never)
        .execute();
      const result = await inProcess(auditProgram, ['--database', urlOf(harness.configOf(database)), '--migrate', 'verify']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('DATABASE_TOO_NEW');
    });
  });
});
