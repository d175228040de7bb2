/**
 * One error type for the whole platform. Every failure a caller can see carries a stable code;
 * the HTTP status for each code is decided here and nowhere else.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
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
  DELIVERY_NOT_RETRYABLE: 409,
  DELIVERY_NOT_MANUAL: 409,
  ORDER_AT_WAREHOUSE: 409,
  WAREHOUSE_NOT_LINKED: 409,
  WMS_MESSAGE_CONFLICT: 409,
  DELIVERY_BEING_SENT: 409,
  ADDRESS_UNRESOLVED: 422,
  QUANTITY_OUT_OF_RANGE: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  CHANNEL_NOT_SUPPORTED: 501,
  WMS_UNAVAILABLE: 502,
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
