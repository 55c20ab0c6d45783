/**
 * Run a suite against both databases the center supports: a real SQLite file in a temp dir and a
 * database of its own on a throwaway PostgreSQL server (the vitest run's, postgres-for-run.ts; a file
 * run without it starts its own, only when the postgres half runs).
 * docs/misissuance.md#r7: the same code paths and the same tests on both topologies.
 *
 *   forEachDatabase((harness) => {
 *     it('…', async () => { const database = await harness.fresh(); … });
 *   });
 *
 * Every database handle the harness opens is closed in afterAll, and every database it made dropped
 * (or its own server stopped).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, inject } from 'vitest';
import { openDatabase, migrate, type CenterDatabase } from '@madoguchi/center';
import type { DatabaseConfig } from '@madoguchi/center/db';
import { onServer, startPostgres, type PostgresServer } from './postgres.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHarness {
  kind: DatabaseKind;
  /** A new, empty database (migrated unless `migrate: false`). */
  fresh(options?: { migrate?: boolean }): Promise<CenterDatabase>;
  /**
   * A factory of databases that all start as copies of one seeded database: the seed runs once
   * (per kind), each call then copies it (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE),
   * which is far cheaper than seeding again.
   */
  template(seed: (database: CenterDatabase) => Promise<void>): () => Promise<CenterDatabase>;
  /** Its configuration, e.g. to open it again from another handle or process. */
  configOf(database: CenterDatabase): DatabaseConfig;
  /**
   * A second, independent handle on the same database (as a second center process would have).
   * PostgreSQL only in practice: better-sqlite3 is synchronous, so a second SQLite handle in the same
   * process that waits for the first one's lock blocks the thread until busy_timeout — use a child
   * process for multi-process SQLite tests.
   */
  openAnother(database: CenterDatabase): Promise<CenterDatabase>;
}

export const databaseKinds: DatabaseKind[] = ['sqlite', 'postgres'];

export function createHarness(kind: DatabaseKind): DatabaseHarness & { dispose(): Promise<void> } {
  const handles: CenterDatabase[] = [];
  const configs = new Map<CenterDatabase, DatabaseConfig>();
  let tempDir: string | undefined;
  let server: Promise<Omit<PostgresServer, 'stop'> & { stop?: () => Promise<void> }> | undefined;
  const postgresDatabases: string[] = [];
  let count = 0;
  // A project without postgres-for-run.ts (the one whose files run alone) starts a server of its own.
  const runServer = () => {
    const admin = inject('madoguchiPostgresAdmin');
    return admin ? Promise.resolve(onServer(admin)) : startPostgres();
  };
  const createDatabase = async (template?: string) => {
    const connectionString = await (await (server ??= runServer())).createDatabase(undefined, template);
    postgresDatabases.push(new URL(connectionString).pathname.slice(1));
    return connectionString;
  };

  const open = async (config: DatabaseConfig) => {
    const database = await openDatabase(config);
    handles.push(database);
    configs.set(database, config);
    return database;
  };

  return {
    kind,
    async fresh(options = {}) {
      let config: DatabaseConfig;
      if (kind === 'sqlite') {
        tempDir ??= mkdtempSync(join(tmpdir(), 'madoguchi-sqlite-'));
        config = { kind: 'sqlite', path: join(tempDir, `center-${++count}.sqlite`) };
      } else {
        config = { kind: 'postgres', connectionString: await createDatabase() };
      }
      const database = await open(config);
      if (options.migrate !== false) await migrate(database);
      return database;
    },
    template(seed) {
      let ready: Promise<DatabaseConfig> | undefined;
      return async () => {
        ready ??= (async () => {
          const database = await this.fresh();
          await seed(database);
          const config = this.configOf(database);
          // Closing the last SQLite connection checkpoints the WAL into the file; PostgreSQL only
          // copies a template that nobody is connected to.
          await database.close();
          handles.splice(handles.indexOf(database), 1);
          return config;
        })();
        const source = await ready;
        if (source.kind === 'sqlite') {
          const path = join(tempDir!, `center-${++count}.sqlite`);
          copyFileSync(source.path, path);
          return open({ kind: 'sqlite', path });
        }
        const templateName = new URL(source.connectionString).pathname.slice(1);
        return open({ kind: 'postgres', connectionString: await createDatabase(templateName) });
      };
    },
    configOf(database) {
      const config = configs.get(database);
      if (!config) throw new Error('database was not opened by this harness');
      return config;
    },
    openAnother(database) {
      return open(this.configOf(database));
    },
    async dispose() {
      for (const handle of handles.splice(0)) await handle.close().catch(() => undefined);
      if (server) {
        const postgres = await server;
        // A shared server outlives this file: what the file made goes with it (disk, connections).
        if (postgres.stop) await postgres.stop();
        else for (const name of postgresDatabases.splice(0)) await postgres.dropDatabase(name);
      }
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** `describe` the suite once per database kind; resources are released after each half. */
export function forEachDatabase(fn: (harness: DatabaseHarness) => void): void {
  describe.each(databaseKinds)('%s', (kind) => {
    const harness = createHarness(kind);
    afterAll(() => harness.dispose());
    fn(harness);
  });
}
