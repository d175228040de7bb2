import { DrizzleQueryError } from 'drizzle-orm/errors';
import { pino, type Logger } from 'pino';

export type { Logger };

/** Personal data and secrets never reach a log line, wherever they sit in the logged object. */
const redact = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.receiverName',
  '*.receiverPhone',
  '*.receiverAddress',
  'receiver.name',
  'receiver.phone',
  'receiver.address',
  '*.receiver.name',
  '*.receiver.phone',
  '*.receiver.address',
  '*.secret',
  '*.appSecret',
  '*.accessToken',
  'key',
  '*.key',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: redact, censor: '[redacted]' } });
}

/**
 * An error as it may be logged. Database errors carry the statement's parameters (receiver names,
 * phones, addresses) in their message, so only their SQLSTATE and location are kept.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const cause = err.cause as { code?: unknown; routine?: unknown; constraint?: unknown } | undefined;
  const fromDatabase = err instanceof DrizzleQueryError || (cause && typeof cause.code === 'string' && /^[0-9A-Z]{5}$/.test(cause.code));
  if (fromDatabase) {
    return { type: 'DatabaseError', sqlState: cause?.code, routine: cause?.routine, constraint: cause?.constraint, stack: err.stack?.split('\n').slice(1, 6).join('\n') };
  }
  return { type: err.name, message: err.message, stack: err.stack };
}
