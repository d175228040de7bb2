import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { InstantFormatError } from './instants.ts';

/**
 * Wall-clock times: what a clock on a wall in some zone shows. Channels and WMSs speak them
 * without a zone ("2025-12-25 00:30:00"); cut-offs and working hours are kept as them ("16:00").
 * Every one is read and written here, always with its zone stated, so a Beijing time is never
 * mistaken for UTC.
 *
 * The one policy for wall times that a zone's clock skips or shows twice (docs/time.md):
 * - a time in a spring-forward gap moves forward by the gap (02:30 on a night that jumps from
 *   02:00 to 03:00 is 03:30);
 * - a time an autumn change shows twice is the earlier instant (01:30 on a night that goes back
 *   from 02:00 to 01:00 is the first 01:30, still on summer time).
 * It is the rule of iCalendar (RFC 5545 §3.3.5) and of Temporal's "compatible" disambiguation.
 */
export const CHINA_ZONE = 'Asia/Shanghai';

export class WallClockError extends InstantFormatError {}

const DAY_MS = 86_400_000;
const strictWallClockFormat = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const wallClockFormat = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const dateFormat = /^(\d{4})-(\d{2})-(\d{2})$/;
const hhmmFormat = /^([01]\d|2[0-3]):([0-5]\d)$/;

const zones = new Map<string, Zone | null>();
const ianaName = (name: string) => (name.includes('/') || name === 'UTC') && IANAZone.isValidZone(name);
const fixedOffset = /^UTC[+-]\d\d:\d\d$/;

/**
 * The zone by its IANA name ("UTC" included), or a fixed offset a message states ("UTC+08:00",
 * from a Qimen time's offset); null for anything else.
 */
function zoneOf(name: string): Zone | null {
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = ianaName(name) ? IANAZone.create(name) : fixedOffset.test(name) ? FixedOffsetZone.parseSpecifier(name) : null;
    zones.set(name, zone);
  }
  return zone;
}

/** An IANA zone name the runtime knows, such as Asia/Shanghai, America/Los_Angeles or UTC: what people and settings name. */
export function isTimeZone(name: string): boolean {
  return zoneOf(name) !== null && !fixedOffset.test(name);
}

function requireZone(name: string): Zone {
  const zone = zoneOf(name);
  if (!zone) throw new WallClockError(`not an IANA time zone: ${JSON.stringify(name)}`);
  return zone;
}

const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC in minutes at an instant. Zones change offset only on quarter hours,
 * so it is asked of the runtime once per zone and quarter hour (asking costs an Intl format,
 * about 5 µs, and rules, routing and every wall-clock time read need it).
 */
function offsetMinutes(zone: Zone, name: string, ms: number): number {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let known = offsets.get(name);
  if (!known) offsets.set(name, (known = new Map()));
  let offset = known.get(quarter);
  if (offset === undefined) {
    if (known.size >= 8192) known.clear();
    known.set(quarter, (offset = zone.offset(ms)));
  }
  return offset;
}

interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The instant a wall time names in `zone`, by the policy above; null when the fields are no real time. */
function resolve(fields: WallFields, zoneName: string): DateTime | null {
  const zone = requireZone(zoneName);
  const dt = DateTime.fromObject(fields, { zone });
  if (!dt.isValid) return null;
  // Luxon moves a time in a gap forward by the gap; a time shown twice it resolves either way,
  // so the earlier is taken here. Only near a change (the offset differs a day either side) is
  // there anything to choose, which keeps the common case cheap.
  const ms = dt.toMillis();
  if (zone.isUniversal || offsetMinutes(zone, zoneName, ms - DAY_MS) === offsetMinutes(zone, zoneName, ms + DAY_MS)) return dt;
  return dt.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), dt);
}

/**
 * "yyyy-MM-dd HH:mm:ss" on the wall clock of `zone` → the instant. The fields are split here and
 * the zone's offset is left to Luxon: three times faster than its format parser, which matters
 * when every order of a pull page carries several such times.
 */
export function parseWallClock(value: string, zone: string = CHINA_ZONE): Date {
  const m = strictWallClockFormat.exec(value.trim());
  const parsed = m ? resolve({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! }, zone) : null;
  if (!parsed) throw new WallClockError(`not a "yyyy-MM-dd HH:mm:ss" time: ${JSON.stringify(value)}`);
  return parsed.toJSDate();
}

/** As parseWallClock, but also "yyyy-MM-dd HH:mm" and "yyyy-MM-ddTHH:mm[:ss]": what an operator types. */
export function parseTypedWallClock(value: string, zone: string): Date {
  const m = wallClockFormat.exec(value.trim());
  const parsed = m ? resolve({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +(m[6] ?? 0) }, zone) : null;
  if (!parsed) throw new WallClockError(`not a "YYYY-MM-DD HH:mm:ss" time: ${JSON.stringify(value)}`);
  return parsed.toJSDate();
}

/** The instant → "yyyy-MM-dd HH:mm:ss" on the wall clock of `zone`. */
export function formatWallClock(at: Date, zone: string = CHINA_ZONE): string {
  return DateTime.fromJSDate(at, { zone: requireZone(zone) }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** The instant → "yyyyMMddHHmm" on the wall clock of `zone`: a stamp for file names, which sorts as time does. */
export function wallClockStamp(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone: requireZone(zone) }).toFormat('yyyyMMddHHmm');
}

/** A local date, "yyyy-MM-dd", as a calendar keeps it. */
export type LocalDate = string;

export function isLocalDate(value: string): boolean {
  const m = dateFormat.exec(value);
  return m !== null && DateTime.fromObject({ year: +m[1]!, month: +m[2]!, day: +m[3]! }, { zone: 'utc' }).isValid;
}

function dateFields(date: LocalDate): { year: number; month: number; day: number } {
  const m = dateFormat.exec(date);
  if (!m || !isLocalDate(date)) throw new WallClockError(`not a "yyyy-MM-dd" date: ${JSON.stringify(date)}`);
  return { year: +m[1]!, month: +m[2]!, day: +m[3]! };
}

const lastDates = new Map<string, { quarter: number; date: LocalDate }>();

/**
 * The date the wall clock of `zone` shows at the instant. Every zone's offset is a whole number of
 * quarter hours, so local midnight falls on a quarter-hour boundary and one quarter hour has one
 * local date: the last one asked is kept per zone (routing asks it for every warehouse of every batch).
 */
export function localDateOf(at: Date, zone: string): LocalDate {
  const quarter = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  const last = lastDates.get(zone);
  if (last?.quarter === quarter) return last.date;
  const date = DateTime.fromJSDate(at, { zone: requireZone(zone) }).toISODate()!;
  lastDates.set(zone, { quarter, date });
  return date;
}

/** The year the wall clock of `zone` shows at the instant. */
export function localYearOf(at: Date, zone: string): number {
  return DateTime.fromJSDate(at, { zone: requireZone(zone) }).year;
}

/** The year of a local date. */
export const yearOfDate = (date: LocalDate): number => dateFields(date).year;

/** "HH:mm" on the wall clock of `zone` at the instant. */
export function localTimeOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone: requireZone(zone) }).toFormat('HH:mm');
}

/**
 * Minutes since local midnight on the wall clock of `zone`: UTC time plus the zone's own offset
 * at that instant (Luxon's, DST included, see offsetMinutes).
 */
export function localMinuteOfDay(at: Date, zone: string): number {
  const ms = at.getTime();
  const localMinutes = Math.floor(ms / 60_000) + offsetMinutes(requireZone(zone), zone, ms);
  return ((localMinutes % 1440) + 1440) % 1440;
}

/** The ISO week a date falls in: its label ("2026-W46") and its Monday. */
export function isoWeekOf(date: LocalDate): { week: string; monday: LocalDate } {
  const day = DateTime.fromObject(dateFields(date), { zone: 'utc' });
  return { week: day.toFormat("kkkk-'W'WW"), monday: day.startOf('week').toISODate()! };
}

/** The last date of a month given as yyyy-MM. */
export function lastDayOfMonth(month: string): LocalDate {
  return DateTime.fromObject(dateFields(`${month}-01`), { zone: 'utc' }).endOf('month').toISODate()!;
}

/** A date `days` later (or earlier, when negative) on the calendar; no zone is involved. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromObject(dateFields(date), { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** ISO weekday of a date: 1 is Monday, 7 Sunday. */
export function weekdayOf(date: LocalDate): number {
  return DateTime.fromObject(dateFields(date), { zone: 'utc' }).weekday;
}

/** Whole days from one date to another (negative when `to` comes first). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round(DateTime.fromObject(dateFields(to), { zone: 'utc' }).diff(DateTime.fromObject(dateFields(from), { zone: 'utc' }), 'days').days);
}

/** "HH:mm" → minutes since midnight. */
export function minutesOf(hhmm: string): number {
  const m = hhmmFormat.exec(hhmm);
  if (!m) throw new WallClockError(`not a "HH:mm" time: ${JSON.stringify(hhmm)}`);
  return +m[1]! * 60 + +m[2]!;
}

export function isHhmm(value: string): boolean {
  return hhmmFormat.test(value);
}

/**
 * The instant a local date and wall time ("16:00", or minutes since midnight; 24:00 is the next
 * midnight) name in `zone`, by the gap and overlap policy above.
 */
export function atLocalTime(date: LocalDate, time: string | number, zone: string): Date {
  const minutes = typeof time === 'number' ? time : minutesOf(time);
  const day = minutes >= 24 * 60 ? addDays(date, Math.floor(minutes / (24 * 60))) : date;
  const rest = minutes % (24 * 60);
  const resolved = resolve({ ...dateFields(day), hour: Math.floor(rest / 60), minute: rest % 60, second: 0 }, zone);
  if (!resolved) throw new WallClockError(`no such local time: ${date} ${String(time)} in ${zone}`);
  return resolved.toJSDate();
}

/** The offset `zone` has at the instant, as "+08:00" or "-05:00". */
export function offsetOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone: requireZone(zone) }).toFormat('ZZ');
}
