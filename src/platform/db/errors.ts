/**
 * The SQLSTATE of a database error, whether the driver's error arrives as it is or wrapped by
 * the query builder (as its cause); undefined for anything else.
 */
export function sqlStateOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
}
