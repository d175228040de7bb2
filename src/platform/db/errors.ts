/**
 * The SQLSTATE of a database error, whether the driver's error arrives as it is or wrapped by
 * the query builder (as its cause); undefined for anything else.
 */
export function sqlStateOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
}

/** The constraint a database error names (unique, check, foreign key), wrapped or not. */
export function constraintOf(err: unknown): string | undefined {
  const e = err as { constraint?: unknown; cause?: { constraint?: unknown } } | undefined;
  if (typeof e?.constraint === 'string') return e.constraint;
  return typeof e?.cause?.constraint === 'string' ? e.cause.constraint : undefined;
}
