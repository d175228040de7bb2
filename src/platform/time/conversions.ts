import { isoInZone, isoUtc, parseIsoInstant, statedOffset } from './instants.ts';
import { formatWallClock } from './wall-clock.ts';

/**
 * One time conversion at a boundary of the platform: a channel's time read in, or an instant
 * written out for a WMS or a marketplace. Each keeps what it was, in which zone, the UTC instant,
 * and what it became in which zone, so a person can see every step an order's times took.
 */
export interface TimeConversion {
  /** channel_in (a channel's time read), wms_out (written for a warehouse), marketplace_out (written for a channel). */
  readonly boundary: 'channel_in' | 'wms_out' | 'marketplace_out';
  /** The order's field: orderedAt, paidAt, channelModifiedAt, shipBy, createdAt… */
  readonly field: string;
  readonly sourceValue: string;
  /** An IANA zone, "UTC", an offset ("+08:00") or "unix-seconds". */
  readonly sourceZone: string;
  readonly utc: string;
  readonly targetZone: string;
  readonly rendered: string;
}

/**
 * Reads a message's times and writes what it read down. One per message; the conversions go with
 * the order to the intake, or with the delivery order's attempt.
 */
export class ConversionLog {
  readonly records: TimeConversion[] = [];

  constructor(private readonly boundary: TimeConversion['boundary']) {}

  private note(field: string, sourceValue: string, sourceZone: string, at: Date, targetZone: string, rendered: string): void {
    this.records.push({ boundary: this.boundary, field, sourceValue, sourceZone, utc: isoUtc(at), targetZone, rendered });
  }

  /** A time read in already (its UTC instant as ISO text), written down: the reader did the conversion. */
  readIn(field: string, sourceValue: string, sourceZone: string, utc: string): void {
    this.records.push({ boundary: this.boundary, field, sourceValue, sourceZone, utc, targetZone: 'UTC', rendered: utc });
  }

  /** An ISO instant with an offset other than Z → the same instant in UTC; one already in UTC is no conversion. */
  isoIn(field: string, value: string): string {
    const zone = statedOffset(value);
    const at = parseIsoInstant(value);
    const utc = isoUtc(at);
    if (zone !== 'UTC') this.note(field, value, zone, at, 'UTC', utc);
    return utc;
  }

  /** The instant as ISO-8601 with the offset of `zone`. */
  isoOut(field: string, at: Date, zone: string): string {
    const rendered = isoInZone(at, zone);
    this.note(field, isoUtc(at), 'UTC', at, zone, rendered);
    return rendered;
  }

  /** The instant as "yyyy-MM-dd HH:mm:ss" on the wall clock of `zone`. */
  wallClockOut(field: string, at: Date, zone: string): string {
    const rendered = formatWallClock(at, zone);
    this.note(field, isoUtc(at), 'UTC', at, zone, rendered);
    return rendered;
  }
}

/** The conversions of ISO instants given with an offset (an API caller's "2025-12-25T00:30:00+08:00"); ones in UTC are none. */
export function isoConversions(fields: Record<string, string | undefined>): TimeConversion[] {
  const log = new ConversionLog('channel_in');
  // Most callers send UTC: those are told apart by their last letter, with nothing parsed.
  for (const [field, value] of Object.entries(fields)) if (value !== undefined && !/z$/i.test(value)) log.isoIn(field, value);
  return log.records;
}
