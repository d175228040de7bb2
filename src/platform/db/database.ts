import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { lockDirectory } from './directory-lock.ts';
import { holdsDatabase, initialDataDir } from './pglite-template.ts';
import { makePrivateDirectory, tightenTree } from './private-dir.ts';

/** How often the modes of an open embedded database's files are set again (see private-dir). */
const TIGHTEN_EVERY_MS = 60_000;

/** One query surface over both backends; a transaction is the same type. */
export type Database = PgDatabase<PgQueryResultHKT>;

export type BackendKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  kind: BackendKind;
  /** Where the data is, safe to print (no password). */
  label: string;
  db: Database;
  /** Runs work while holding a database-wide advisory lock (migrations, one-time setup). */
  exclusive<T>(key: number, work: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

const slots = new WeakMap<Database, number>();

/**
 * How many transactions can usefully run at once on this database: 1 for the embedded one (a
 * single connection), a share of the pool for PostgreSQL. Unknown handles get 1.
 */
export function concurrentTransactions(db: Database): number {
  return slots.get(db) ?? 1;
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

export async function openDatabase(target: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  return isPostgresUrl(target) ? openPostgres(target, options) : openPglite(target);
}

async function openPglite(target: string): Promise<DatabaseHandle> {
  const inMemory = target === 'memory';
  const dir = inMemory ? undefined : resolve(target);
  const loadDataDir = dir && holdsDatabase(dir) ? undefined : await initialDataDir();
  if (dir) makePrivateDirectory(dir);
  const unlock = dir ? lockDirectory(dir) : () => {};
  const client = new PGlite({ dataDir: dir, loadDataDir });
  try {
    await client.waitReady;
  } catch (err) {
    unlock();
    throw err;
  }
  const tighten = dir ? () => tightenTree(dir) : () => {};
  tighten();
  const tightening = dir
    ? setInterval(() => {
        try {
          tighten();
        } catch {
          // A file the owner cannot change is left to the next round; the directory's own 0700 keeps others out meanwhile.
        }
      }, TIGHTEN_EVERY_MS)
    : null;
  tightening?.unref();
  const db = drizzlePglite(client) as unknown as Database;
  slots.set(db, 1);
  return {
    kind: 'pglite',
    label: inMemory ? 'embedded (in memory)' : `embedded (${dir})`,
    db,
    // One process owns an embedded database, so its single connection is already exclusive.
    exclusive: (_key, work) => work(db),
    close: async () => {
      if (tightening) clearInterval(tightening);
      await client.close();
      tighten();
      unlock();
    },
  };
}

async function openPostgres(url: string, options: OpenOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 20 });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg(pool) as unknown as Database;
  // The rest of the pool stays free for reads and the API.
  slots.set(db, Math.max(1, Math.floor((options.poolSize ?? 20) / 4)));
  const parsed = new URL(url);
  return {
    kind: 'postgres',
    label: `postgres (${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname})`,
    db,
    async exclusive(key, work) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await work(drizzlePg(client) as unknown as Database);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Rows of a raw `db.execute()` result; both drivers put them under `rows`. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  const rows = (result as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error('query result has no rows');
  return rows as Record<string, unknown>[];
}
