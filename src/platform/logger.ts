import { DrizzleQueryError } from 'drizzle-orm/errors';
import { pino, type DestinationStream, type Logger } from 'pino';
import { databaseFailure } from './errors.ts';

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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: redact, censor: '[redacted]' },
    // An error object logged under either key is reduced to what may be logged, wherever it is logged from.
    serializers: { error: loggableValue, err: loggableValue },
  };
  return destination ? pino(options, destination) : pino(options);
}

function loggableValue(value: unknown): unknown {
  return value instanceof Error ? loggableError(value) : value;
}

/** Only the frames of a stack: a database error's message, which heads its stack, quotes the statement's parameters. */
function framesOf(stack: string | undefined): string | undefined {
  return stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 5).join('\n');
}

/**
 * An error as it may be logged. Database errors carry the statement's parameters (receiver names,
 * phones, addresses) in their message, so only their SQLSTATE, statement shape, table and stack
 * frames are kept.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: String(err) };
  const failure = databaseFailure(err);
  if (failure || err instanceof DrizzleQueryError) {
    return { type: 'DatabaseError', ...failure, stack: framesOf(err.stack) };
  }
  return { type: err.name, message: err.message, stack: err.stack };
}

/** A one-line account of an error for a log field or a status column: a database error without its parameters. */
export function errorSummary(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const failure = databaseFailure(err);
  if (!failure && !(err instanceof DrizzleQueryError)) return err.message;
  return `database error ${failure?.sqlState ?? 'unknown'}${failure?.statement ? ` in ${failure.statement}` : ''}${failure?.table ? ` on ${failure.table}` : ''}`;
}
