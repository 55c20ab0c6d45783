/**
 * A throwaway PostgreSQL 15 server for tests: initdb into a temp dir, listen on a free loopback port
 * with its unix socket under /tmp, trust auth, fsync off. Starting one takes seconds (5–12 s on a
 * loaded 2-core machine), so a vitest run starts one for all its integration files
 * (postgres-for-run.ts) and `createDatabase()` gives each test its own database on it; a file run
 * outside that starts its own. Stopped by `pg_ctl stop` and, as a last resort, by the postmaster
 * pid — never by process name.
 *
 * As root the server runs as the `postgres` user (initdb refuses root). CI installs the binaries with
 * `apt-get install -y postgresql`; without them the helper fails loudly instead of skipping.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.MADOGUCHI_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  port: number;
  /** Connection string of the server's `postgres` database (admin). */
  adminConnectionString: string;
  /** Create a database (empty, or a copy of `template`, which must have no open connections). */
  createDatabase(name?: string, template?: string): Promise<string>;
  /** Drop a database, closing whatever connections to it are left (a child center's pool). */
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function asPostgresUser(): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
}

function run(args: string[]): void {
  const [command, ...rest] = [...asPostgresUser(), ...args] as [string, ...string[]];
  const result = spawnSync(command, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${args[0]} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
}

export interface StartPostgresOptions {
  /** 100 serves one test file; a server shared by files running side by side needs more. */
  maxConnections?: number;
}

export async function startPostgres(startOptions: StartPostgresOptions = {}): Promise<PostgresServer> {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'pg_ctl'))) {
    throw new Error(
      `PostgreSQL 15 binaries not found in ${PG_BIN}. Install them with: apt-get install -y postgresql ` +
        '(or set MADOGUCHI_PG_BIN to the directory holding initdb and pg_ctl).',
    );
  }
  const root = mkdtempSync(join(tmpdir(), 'madoguchi-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  execFileSync('mkdir', ['-p', socketDir]);
  chmodSync(root, 0o777);
  chmodSync(socketDir, 0o777);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', root]);

  run([join(PG_BIN, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const options =
    `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 ` +
    `-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${startOptions.maxConnections ?? 100}`;
  run([join(PG_BIN, 'pg_ctl'), '-D', dataDir, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);

  const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const adminConnectionString = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;

  const killByPid = () => {
    if (stopped) return;
    try {
      process.kill(postmasterPid, 'SIGQUIT');
    } catch {
      // already gone
    }
  };
  // If the test process dies without afterAll, do not leave a server behind.
  process.once('exit', killByPid);

  return {
    ...onServer(adminConnectionString),
    async stop() {
      if (stopped) return;
      try {
        run([join(PG_BIN, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        killByPid();
      }
      stopped = true;
      process.removeListener('exit', killByPid);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Databases on a server that is already running (this file's own, or the run's shared one). Names
 * are random, not per process: files of one run share the server, and a process id comes back.
 */
export function onServer(adminConnectionString: string): Omit<PostgresServer, 'stop'> {
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminConnectionString });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const url = new URL(adminConnectionString);
  return {
    port: Number(url.port),
    adminConnectionString,
    async createDatabase(name?: string, template?: string) {
      const dbName = name ?? `t_${randomUUID().replaceAll('-', '')}`;
      await admin(template ? `create database "${dbName}" template "${template}"` : `create database "${dbName}"`);
      return `postgres://postgres@${url.host}/${dbName}`;
    },
    dropDatabase: (name: string) => admin(`drop database if exists "${name}" with (force)`),
  };
}

/** One server with one database: the shape most test files need. */
export async function startPostgresDatabase(): Promise<PostgresDatabase> {
  const server = await startPostgres();
  const connectionString = await server.createDatabase();
  return { connectionString, stop: () => server.stop() };
}
