import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, type BackendKind, type DatabaseHandle } from '../../src/platform/db/index.ts';

/**
 * Each test file gets fresh databases: embedded (PGlite, in memory) always, and PostgreSQL when
 * TEST_DATABASE_URL is set — a scratch database per file, dropped afterwards.
 */
export interface TestBackend {
  kind: BackendKind;
  open(): Promise<TestDatabase>;
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** URL of the scratch PostgreSQL database, for tests that start other processes. */
  url: string | null;
  drop(): Promise<void>;
}

const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ kind: 'pglite', open: openPglite }];
  if (testDatabaseUrl) backends.push({ kind: 'postgres', open: openScratchPostgres });
  return backends;
}

export function postgresAvailable(): boolean {
  return Boolean(testDatabaseUrl);
}

async function openPglite(): Promise<TestDatabase> {
  const handle = await openDatabase('memory');
  await migrate(handle);
  return { handle, url: null, drop: () => handle.close() };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `oms_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function openScratchPostgres(): Promise<TestDatabase> {
  const scratch = await createScratchDatabase();
  const handle = await openDatabase(scratch.url, { poolSize: 24 });
  await migrate(handle);
  return {
    handle,
    url: scratch.url,
    drop: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}
