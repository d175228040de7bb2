import { DateTime } from 'luxon';

/**
 * Channels and WMSs speak wall-clock strings without a zone ("2026-12-25 00:30:00"). They are
 * read and written here, always with the zone stated by the caller, so a Beijing time is never
 * mistaken for UTC (MISSION §4).
 */
export const CHINA_ZONE = 'Asia/Shanghai';

export class WallClockError extends Error {}

/** "yyyy-MM-dd HH:mm:ss" in `zone` → the instant. */
export function parseWallClock(value: string, zone: string = CHINA_ZONE): Date {
  const parsed = DateTime.fromFormat(value.trim(), 'yyyy-MM-dd HH:mm:ss', { zone });
  if (!parsed.isValid) throw new WallClockError(`not a "yyyy-MM-dd HH:mm:ss" time: ${JSON.stringify(value)}`);
  return parsed.toJSDate();
}

/** The instant → "yyyy-MM-dd HH:mm:ss" on the wall clock of `zone`. */
export function formatWallClock(at: Date, zone: string = CHINA_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** Unix seconds (as number or numeric string) → the instant. */
export function fromUnixSeconds(value: number | string): Date {
  const seconds = typeof value === 'string' ? Number(value.trim()) : value;
  if (!Number.isInteger(seconds) || seconds < 0) throw new WallClockError(`not Unix seconds: ${JSON.stringify(value)}`);
  return new Date(seconds * 1000);
}

export function toUnixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
