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
