import { AppError } from './errors.ts';
import { InstantFormatError, parseIsoInstant } from './time/instants.ts';
import { isStorableText } from './validation.ts';

/**
 * Keyset pages: a list asks its repository for one row more than the page holds, and the page's
 * last row becomes the cursor of the next one, an opaque token made of that row's sort keys.
 */

/** The cursor of a row whose sort keys are these. */
export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** The sort keys a cursor this API returned carries; a 400 for anything else. */
export function decodeCursor(cursor: string, arity: number, path = 'cursor'): string[] {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    keys = null;
  }
  // A key the database could not compare (a NUL inside) is no key a page of ours ended on.
  if (!Array.isArray(keys) || keys.length !== arity || !keys.every((k) => typeof k === 'string' && isStorableText(k))) {
    throw new AppError('VALIDATION_FAILED', `${path} is not one this API returned`, [{ path, message: `invalid ${path}` }]);
  }
  return keys as string[];
}

/** The cursor of a row sorted by an instant, then its id (newest first, say). */
export function encodeInstantCursor(at: Date, id: string): string {
  return encodeCursor([at.toISOString(), id]);
}

/** The instant and id an encodeInstantCursor cursor carries; a 400 for anything else. */
export function decodeInstantCursor(cursor: string, path = 'cursor'): { at: Date; id: string } {
  const [iso, id] = decodeCursor(cursor, 2, path);
  const at = instantOfCursor(iso!);
  // No row of ours is older than 1970 (a negative instant is a forged cursor); the text's four-digit year bounds the future.
  if (!at || at.getTime() < 0) {
    throw new AppError('VALIDATION_FAILED', `${path} is not one this API returned`, [{ path, message: `invalid ${path}` }]);
  }
  return { at, id: id! };
}

/** The instant of a cursor's ISO key (toISOString wrote it), or null when the key is no such text. */
function instantOfCursor(iso: string): Date | null {
  try {
    return parseIsoInstant(iso);
  } catch (err) {
    if (err instanceof InstantFormatError) return null;
    throw err;
  }
}

/** How many rows to ask for to fill a page of `limit` and know whether another follows. */
export const pageProbe = (limit: number) => limit + 1;

/** A page of at most `limit` rows out of those asked for with pageProbe, and the cursor of the next page (null on the last). */
export function pageOf<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): { rows: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
