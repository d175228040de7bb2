import { createScratchDatabase, migrate, openDatabase, type BackendKind, type DatabaseHandle } from '../../src/platform/db/index.ts';

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

export function createTestScratchDatabase() {
  return createScratchDatabase(testDatabaseUrl!, 'oms_test');
}

async function openScratchPostgres(): Promise<TestDatabase> {
  const scratch = await createTestScratchDatabase();
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
