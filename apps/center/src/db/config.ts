/** Where the center keeps its data: an embedded SQLite file by default, PostgreSQL for multi-node. */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string; maxConnections?: number };

/** `MADOGUCHI_DATABASE_URL=postgres://…` selects PostgreSQL; anything else is a SQLite file path. */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv, defaultSqlitePath: string): DatabaseConfig {
  const url = env.MADOGUCHI_DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', connectionString: url };
  return { kind: 'sqlite', path: url && url.length > 0 ? url.replace(/^sqlite:/, '') : defaultSqlitePath };
}
