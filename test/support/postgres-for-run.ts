/**
 * vitest globalSetup of the integration project: one throwaway PostgreSQL server for the whole run,
 * shared by the files that run side by side (databases.ts asks it for a database of their own per
 * test and drops them when the file ends). Starting a server costs seconds; starting one per file
 * cost minutes per run.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL server (its admin database), for databases.ts. */
    madoguchiPostgresAdmin: string;
  }
}

// Two files at a time, each with a center or two (10 connections a pool) and its own handles.
const SHARED_MAX_CONNECTIONS = 400;

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres({ maxConnections: SHARED_MAX_CONNECTIONS });
  project.provide('madoguchiPostgresAdmin', server.adminConnectionString);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
