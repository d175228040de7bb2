/**
 * One error type for the whole platform. Every failure a caller can see carries a stable code;
 * the HTTP status for each code is decided here and nowhere else.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNKNOWN_PARAMETER: 400,
  BAD_URL: 400,
  UNAUTHENTICATED: 401,
  LOGIN_FAILED: 401,
  CSRF_TOKEN_INVALID: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  SHOP_NOT_FOUND: 404,
  WAREHOUSE_NOT_FOUND: 404,
  COUNT_TASK_NOT_FOUND: 404,
  LISTING_NOT_FOUND: 404,
  DELIVERY_ORDER_NOT_FOUND: 404,
  ALERT_NOT_FOUND: 404,
  RULE_NOT_FOUND: 404,
  PERSON_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  CALENDAR_NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  CONFLICT: 409,
  LAST_ADMIN_KEY: 409,
  TENANT_EXISTS: 409,
  DATABASE_IN_USE: 409,
  SHOP_EXISTS: 409,
  WAREHOUSE_EXISTS: 409,
  INSUFFICIENT_STOCK: 409,
  NO_DEFAULT_WAREHOUSE: 409,
  LISTING_PAUSED: 409,
  ORDER_NOT_EDITABLE: 409,
  ADDRESS_HOLD: 409,
  CHANNEL_HOLD: 409,
  DELIVERY_NOT_RETRYABLE: 409,
  DELIVERY_NOT_MANUAL: 409,
  ORDER_AT_WAREHOUSE: 409,
  WAREHOUSE_NOT_LINKED: 409,
  WMS_MESSAGE_CONFLICT: 409,
  DELIVERY_BEING_SENT: 409,
  GROUP_EXISTS: 409,
  PERSON_EXISTS: 409,
  LAST_ADMIN_PERSON: 409,
  CALENDAR_EXISTS: 409,
  ADDRESS_UNRESOLVED: 422,
  QUANTITY_TOO_LARGE: 422,
  RULE_INVALID: 422,
  CALENDAR_INVALID: 422,
  CALENDAR_IMPORT_INVALID: 422,
  REGION_UNKNOWN: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  TOO_MANY_ATTEMPTS: 429,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  CHANNEL_NOT_SUPPORTED: 501,
  WMS_UNAVAILABLE: 502,
  OVERLOADED: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** What a database error says about itself, without the statement's parameters. */
export interface DatabaseFailure {
  sqlState: string;
  /** The statement by its shape, e.g. `insert`, `with d, locked`: its verb or CTE names, never a value. */
  statement?: string;
  table?: string;
  constraint?: string;
  routine?: string;
}

const sqlStatePattern = /^[0-9A-Z]{5}$/;

/**
 * The database error inside `err` (drizzle wraps the driver's error as its cause), or null when
 * `err` did not come from the database. Both drivers (pg, PGlite) report the same fields.
 */
export function databaseFailure(err: unknown): DatabaseFailure | null {
  let query: string | undefined;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const d = e as { code?: unknown; table?: unknown; constraint?: unknown; routine?: unknown; query?: unknown };
    if (typeof d.query === 'string') query ??= d.query;
    if (typeof d.code !== 'string' || !sqlStatePattern.test(d.code)) continue;
    const table = typeof d.table === 'string' && d.table ? d.table : query ? tableOf(query) : undefined;
    const statement = query ? statementOf(query) : undefined;
    return {
      sqlState: d.code,
      ...(statement ? { statement } : {}),
      ...(table ? { table } : {}),
      ...(typeof d.constraint === 'string' && d.constraint ? { constraint: d.constraint } : {}),
      ...(typeof d.routine === 'string' ? { routine: d.routine } : {}),
    };
  }
  return null;
}

/** The table a statement writes to or, failing that, first reads from. */
function tableOf(query: string): string | undefined {
  const m = /\b(?:insert\s+into|update|delete\s+from)\s+"?([a-z_][a-z0-9_]*)"?/i.exec(query) ?? /\bfrom\s+"?([a-z_][a-z0-9_]*)"?/i.exec(query);
  return m?.[1];
}

function statementOf(query: string): string | undefined {
  const verb = /^\s*([a-z]+)/i.exec(query)?.[1]?.toLowerCase();
  if (verb !== 'with') return verb;
  const names = [...query.matchAll(/(?:^\s*with|\),)\s*(?:recursive\s+)?"?([a-z_][a-z0-9_]*)"?\s+as\s+(?:(?:not\s+)?materialized\s+)?\(/gi)].map((m) => m[1]);
  return names.length ? `with ${names.slice(0, 8).join(', ')}` : 'with';
}
