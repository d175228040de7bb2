import { z } from 'zod';

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
