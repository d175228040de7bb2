import { z } from 'zod';
import { defaultReadLimits, type ReadLimits } from './read-limit.ts';
import { DEFAULT_SIGNATURE_MAX_SKEW_S } from './signed-time.ts';

/**
 * The environment, read once at start-up, validated, and handed down. Nothing else in the code
 * reads process.env.
 */
const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  OMS_DB: z.string().min(1).default('./.oms-data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  OMS_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  OMS_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Waits in ms before the 2nd, 3rd, … attempt to send a delivery order to a WMS, comma-separated. */
  OMS_WMS_RETRY_BACKOFF_MS: z.string().regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds, e.g. 0,5000,15000').optional(),
  /** The wait between attempts once the backoff list is used up (15 minutes by default). */
  OMS_WMS_RETRY_EVERY_MS: z.coerce.number().int().min(1000).optional(),
  /** Attempts after which a delivery order fails and its order stops as push_failed. */
  OMS_WMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).optional(),
  /** List and other reads the API runs at once per process; more wait in a queue. */
  OMS_READ_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  /** Reads that may wait for a place; past them a read is answered 503 OVERLOADED with Retry-After. */
  OMS_READ_QUEUE: z.coerce.number().int().min(0).max(100_000).optional(),
  /** How far, in seconds either way, a signed channel or WMS message's own timestamp may be from our clock. */
  OMS_SIGNATURE_MAX_SKEW_S: z.coerce.number().int().min(1).max(86_400).default(DEFAULT_SIGNATURE_MAX_SKEW_S),
  /** A delivery order failing this long raises a push_failing alert (15 minutes by default), before its last attempt. */
  OMS_PUSH_ALERT_AFTER_MS: z.coerce.number().int().min(0).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Where the data lives: an explicit --db wins, then DATABASE_URL, then the embedded default. */
export function databaseTarget(env: Env, flag?: string): string {
  return flag ?? env.DATABASE_URL ?? env.OMS_DB;
}

/** The dispatcher's retry schedule as the environment sets it; what it leaves out keeps its default. */
export function retrySchedule(env: Env): { backoffMs?: number[]; everyMs?: number; maxAttempts?: number; pushAlertAfterMs?: number } {
  return {
    ...(env.OMS_WMS_RETRY_BACKOFF_MS ? { backoffMs: env.OMS_WMS_RETRY_BACKOFF_MS.split(',').map(Number) } : {}),
    ...(env.OMS_WMS_RETRY_EVERY_MS ? { everyMs: env.OMS_WMS_RETRY_EVERY_MS } : {}),
    ...(env.OMS_WMS_MAX_ATTEMPTS ? { maxAttempts: env.OMS_WMS_MAX_ATTEMPTS } : {}),
    ...(env.OMS_PUSH_ALERT_AFTER_MS !== undefined ? { pushAlertAfterMs: env.OMS_PUSH_ALERT_AFTER_MS } : {}),
  };
}

/** How many API reads run at once, and how many may wait, as the environment sets them. */
export function readLimits(env: Env): ReadLimits {
  return {
    concurrency: env.OMS_READ_CONCURRENCY ?? defaultReadLimits.concurrency,
    queue: env.OMS_READ_QUEUE ?? defaultReadLimits.queue,
  };
}
