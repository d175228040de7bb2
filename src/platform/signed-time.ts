import { fromUnixSeconds, InstantFormatError, isoInstantMs } from './time/instants.ts';
import { CHINA_ZONE, parseWallClock } from './time/wall-clock.ts';

/**
 * The freshness of a signed message's own timestamp (JD and Pinduoduo pushes, Qimen and JSON WMS
 * reports): a signature proves who sent a message, the timestamp inside it when. Without this
 * check a message captured once could be played back at any later time and would still verify.
 */
export const DEFAULT_SIGNATURE_MAX_SKEW_S = 600;

/** How the protocol writes its timestamp. */
export type SignedTimeFormat = 'china-wall-clock' | 'unix-seconds' | 'iso-8601';

/** A message's timestamp as it arrived (undefined when it carries none), and how to read it. */
export interface SignedTime {
  value: unknown;
  format: SignedTimeFormat;
}

/** Our clock when the message arrived, and how far either way the timestamp may be from it. */
export interface SignedTimeWindow {
  now: Date;
  maxSkewMs?: number;
}

function instantOf({ value, format }: SignedTime): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  try {
    switch (format) {
      case 'china-wall-clock':
        return typeof value === 'string' ? parseWallClock(value, CHINA_ZONE) : null;
      case 'unix-seconds':
        return fromUnixSeconds(value);
      case 'iso-8601': {
        const ms = typeof value === 'string' ? isoInstantMs(value) : Number.NaN;
        return Number.isNaN(ms) ? null : new Date(ms);
      }
    }
  } catch (err) {
    if (err instanceof InstantFormatError) return null;
    throw err;
  }
}

/** True when the timestamp is there, readable, and within the window of our clock; false otherwise. */
export function signedTimeIsFresh(signed: SignedTime, window: SignedTimeWindow): boolean {
  const at = instantOf(signed);
  if (!at || Number.isNaN(at.getTime())) return false;
  return Math.abs(window.now.getTime() - at.getTime()) <= (window.maxSkewMs ?? DEFAULT_SIGNATURE_MAX_SKEW_S * 1000);
}
