import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A throw-away database on a PostgreSQL server, for test files, benchmarks and replays that must not
 * see anything earlier runs left behind.
 */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops it; FORCE, because a failed run may have left connections open. */
  drop(): Promise<void>;
}

/** A short-lived connection for DDL on the server, so no idle client outlives the caller. */
async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(serverUrl: string, prefix = 'oms_scratch'): Promise<ScratchDatabase> {
  // Hex only, so the name is safe to splice into DDL, which takes no parameters.
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
