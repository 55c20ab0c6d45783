/**
 * Stops and starts a throwaway PostgreSQL server (test/support/postgres.ts) under the centers using
 * it: the fault "PostgreSQL restarted" of issue 14, item 2.
 *
 *   const control = await postgresControl(server.adminConnectionString);
 *   await control.restart({ downMs: 1000 }); // pg_ctl stop -m fast, 1 s down, started again
 *
 * `-m fast` ends every session at once (the centers' pooled connections are cut), as a database
 * failover or an operator's restart does. The server starts again with the options of its last start
 * (pg_ctl restart reads them from postmaster.opts), on the same port. Only ever on a server of the
 * test's own: the run's shared server (postgres-for-run.ts) serves other files at the same time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.MADOGUCHI_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresControl {
  /** Fast shutdown: every session ended, the server gone until `start`. */
  stop(): void;
  start(): void;
  restart(options?: { downMs?: number }): Promise<void>;
}

export async function postgresControl(adminConnectionString: string): Promise<PostgresControl> {
  const client = new pg.Client({ connectionString: adminConnectionString });
  await client.connect();
  let dataDir: string;
  try {
    dataDir = (await client.query<{ data_directory: string }>('show data_directory')).rows[0]!.data_directory;
  } finally {
    await client.end();
  }
  // The log beside the data directory, where startPostgres puts it; without -l the postmaster would
  // keep pg_ctl's output pipe open and spawnSync would wait for ever.
  const pgCtl = (...args: string[]) => run([join(PG_BIN, 'pg_ctl'), '-D', dataDir, '-l', join(dataDir, '..', 'server.log'), '-w', ...args]);
  const stop = () => pgCtl('-m', 'fast', 'stop');
  const start = () => pgCtl('-t', '60', 'restart');
  return {
    stop,
    start,
    async restart({ downMs = 0 } = {}) {
      stop();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      start();
    },
  };
}

function run(args: string[]): void {
  // initdb and pg_ctl refuse root: as root the server belongs to the `postgres` user (postgres.ts).
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const [command, ...rest] = [...asUser, ...args] as [string, ...string[]];
  const result = spawnSync(command, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${args[0]} ${args.at(-1)} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
}
