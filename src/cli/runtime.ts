import { databaseTarget, readEnv, type Env } from '../platform/config.ts';
import { resolve } from 'node:path';
import { isPostgresUrl, migrate, openDatabase, type DatabaseHandle } from '../platform/db/index.ts';
import { secretBoxFor, type SecretBox } from '../platform/secrets.ts';
import { createLogger, type Logger } from '../platform/logger.ts';

export interface Runtime {
  env: Env;
  logger: Logger;
  handle: DatabaseHandle;
  secrets: SecretBox;
}

/** Reads the environment, opens the database and brings its schema up to date. */
export async function openRuntime(dbFlag: string | undefined, options: { poolSize?: number } = {}): Promise<Runtime> {
  const env = readEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const target = databaseTarget(env, dbFlag);
  const kind = isPostgresUrl(target) ? 'postgres' : target === 'memory' ? 'memory' : 'directory';
  // Checked before opening anything, so a misconfigured PostgreSQL deployment fails at once.
  const secrets = secretBoxFor(env.OMS_SECRET_KEY, { kind, dir: kind === 'directory' ? resolve(target) : undefined });
  const handle = await openDatabase(target, { poolSize: options.poolSize });
  await migrate(handle);
  return { env, logger, handle, secrets };
}

/** Runs one command's work on the database, and closes it however the work ends. */
export async function withDatabase<T>(dbFlag: string | undefined, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const { handle } = await openRuntime(dbFlag);
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}
