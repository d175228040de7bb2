import { DateTime } from 'luxon';

/**
 * Instants inside the platform are UTC `Date`s. Text becomes an instant only here (and in
 * wall-clock.ts, for text written on a zone's wall clock); nowhere else is `new Date(text)` or
 * `Date.parse` called (test/architecture/time-rule.test.ts checks it).
 */
export class InstantFormatError extends Error {}

const ISO_FIELDS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?(?:(Z)|([+-])(\d\d):?(\d\d))$/i;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * ms since the epoch of an ISO-8601 instant that states its zone; NaN for anything else. The
 * fields are checked here (no 30 February, no hour 24) and the checked text in the standard's
 * own form is read by the runtime: this runs for every time of every order, and costs a few
 * hundred nanoseconds where a general parser costs ten microseconds.
 */
function isoMs(value: string): number {
  const m = ISO_FIELDS.exec(value);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s = '00', fraction = '', z, sign, oh, om] = m;
  const year = +y!, month = +mo!, day = +d!;
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!)) return Number.NaN;
  if (+h! > 23 || +mi! > 59 || +s > 59 || (!z && (+oh! > 18 || +om! > 59))) return Number.NaN;
  // Text already in the standard's own form (upper case, the offset with its colon, at most
  // milliseconds) is read as it is; anything else is written in that form first.
  const canonical = fraction.length <= 4 && (z === 'Z' || (z === undefined && value[value.length - 3] === ':')) && value[10] === 'T';
  return Date.parse(canonical ? value : `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${z ? 'Z' : `${sign}${oh}:${om}`}`);
}

/** ISO-8601 with Z or an offset → the instant. A bare wall-clock time is refused, never guessed. */
export function parseIsoInstant(value: string): Date {
  const ms = isoMs(value);
  if (Number.isNaN(ms)) throw new InstantFormatError(`not an ISO-8601 instant with a zone: ${JSON.stringify(value)}`);
  return new Date(ms);
}

/** The same, as ms since the epoch; NaN for anything else (for validators that compare). */
export function isoInstantMs(value: string): number {
  return isoMs(value);
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
  const m = PG_TIMESTAMPTZ.exec(value);
  return parseIsoInstant(m ? `${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}` : value);
}

/** "2026-12-24 16:30:00.123+00" or "+05:30", as PostgreSQL writes a timestamptz. */
const PG_TIMESTAMPTZ = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?$/;

export function instantFromDbOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : instantFromDb(value as string | Date);
}

/** The instant as ISO-8601 in UTC, without milliseconds when they are zero: "2025-12-24T16:30:00Z". */
export function isoUtc(at: Date): string {
  const text = at.toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
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
