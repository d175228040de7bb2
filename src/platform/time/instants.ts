import { DateTime } from 'luxon';

/**
 * Instants inside the platform are UTC `Date`s. Text becomes an instant only here (and in
 * wall-clock.ts, for text written on a zone's wall clock); nowhere else is `new Date(text)` or
 * `Date.parse` called (test/architecture/time-rule.test.ts checks it).
 */
export class InstantFormatError extends Error {}

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)$/i;

/** True when the text is an ISO-8601 instant that says its zone (Z or an offset) and is a real date. */
export function isIsoInstant(value: string): boolean {
  return ISO_WITH_ZONE.test(value) && DateTime.fromISO(value, { setZone: true }).isValid;
}

/** ISO-8601 with Z or an offset → the instant. A bare wall-clock time is refused, never guessed. */
export function parseIsoInstant(value: string): Date {
  const at = ISO_WITH_ZONE.test(value) ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!at?.isValid) throw new InstantFormatError(`not an ISO-8601 instant with a zone: ${JSON.stringify(value)}`);
  return at.toJSDate();
}

/** The same, as ms since the epoch; NaN for anything else (for validators that compare). */
export function isoInstantMs(value: string): number {
  const at = ISO_WITH_ZONE.test(value) ? DateTime.fromISO(value, { setZone: true }) : null;
  return at?.isValid ? at.toMillis() : Number.NaN;
}

/** The zone an ISO instant's text states: "UTC" for Z, else its offset as "+08:00". */
export function statedOffset(value: string): string {
  const m = /(Z|[+-]\d\d:?\d\d)$/i.exec(value.trim());
  if (!m || m[1]!.toUpperCase() === 'Z') return 'UTC';
  const o = m[1]!;
  return o.includes(':') ? o : `${o.slice(0, 3)}:${o.slice(3)}`;
}

/**
 * A timestamp column as a driver hands it back: node-postgres gives `Date`s, PGlite and raw
 * queries sometimes the text PostgreSQL writes ("2026-12-24 16:30:00+00"), which always carries
 * its offset.
 */
export function instantFromDb(value: string | Date): Date {
  if (value instanceof Date) return value;
  const at = DateTime.fromSQL(value, { setZone: true });
  if (at.isValid) return at.toJSDate();
  return parseIsoInstant(value);
}

export function instantFromDbOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : instantFromDb(value as string | Date);
}

/** The instant as ISO-8601 in UTC, without milliseconds when they are zero: "2025-12-24T16:30:00Z". */
export function isoUtc(at: Date): string {
  return DateTime.fromJSDate(at, { zone: 'utc' }).toISO({ suppressMilliseconds: true })!;
}

/** The instant as ISO-8601 with the offset `zone` has then: "2025-12-24T08:30:00-08:00". */
export function isoInZone(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** Unix seconds (as number or numeric string) → the instant. */
export function fromUnixSeconds(value: number | string): Date {
  const seconds = typeof value === 'string' ? Number(value.trim()) : value;
  if (!Number.isInteger(seconds) || seconds < 0) throw new InstantFormatError(`not Unix seconds: ${JSON.stringify(value)}`);
  return new Date(seconds * 1000);
}

export function toUnixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
