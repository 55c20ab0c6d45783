/** Where the center keeps its data: an embedded SQLite file by default, PostgreSQL for multi-node. */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string; maxConnections?: number };

/**
 * `MADOGUCHI_DATABASE_URL=postgres://…` selects PostgreSQL; anything else is a SQLite file path.
 * `MADOGUCHI_DATABASE_POOL_SIZE` sets the PostgreSQL connections of one center process (docs/benchmarks.md#several-centers).
 */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv, defaultSqlitePath: string): DatabaseConfig {
  const url = env.MADOGUCHI_DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const size = env.MADOGUCHI_DATABASE_POOL_SIZE;
    if (size === undefined || size === '') return { kind: 'postgres', connectionString: url };
    const n = Number(size);
    if (!Number.isSafeInteger(n) || n < 1 || n > 1000) throw new Error('MADOGUCHI_DATABASE_POOL_SIZE must be an integer from 1 to 1000');
    return { kind: 'postgres', connectionString: url, maxConnections: n };
  }
  return { kind: 'sqlite', path: url && url.length > 0 ? url.replace(/^sqlite:/, '') : defaultSqlitePath };
}
