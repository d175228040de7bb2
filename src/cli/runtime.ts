import { databaseTarget, readEnv, type Env } from '../platform/config.ts';
import { migrate, openDatabase, type DatabaseHandle } from '../platform/db/index.ts';
import { createLogger, type Logger } from '../platform/logger.ts';

export interface Runtime {
  env: Env;
  logger: Logger;
  handle: DatabaseHandle;
}

/** Reads the environment, opens the database and brings its schema up to date. */
export async function openRuntime(dbFlag: string | undefined, options: { poolSize?: number } = {}): Promise<Runtime> {
  const env = readEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const handle = await openDatabase(databaseTarget(env, dbFlag), { poolSize: options.poolSize });
  await migrate(handle);
  return { env, logger, handle };
}
