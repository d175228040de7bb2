import { decimalToMinor, MoneyFormatError } from '../../platform/money.ts';
import { ConversionLog, type TimeConversion } from '../../platform/time/conversions.ts';
import { isoUtc } from '../../platform/time/instants.ts';
import type { OrderInput } from '../orders/orders.input.ts';
import { CHINA_ZONE, parseWallClock, WallClockError } from '../../platform/time/wall-clock.ts';

/**
 * What every channel's normaliser reads the same way: text, yuan amounts, Beijing wall-clock times
 * and free-text fields. Each normaliser passes its own `malformed`, so a bad value is refused with
 * that channel's error and the field's path.
 */
export type Malformed = (path: string, message: string) => never;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Trimmed text from a string or an exact integer; undefined when empty. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  return value.trim() || undefined;
}

/**
 * A yuan amount (a decimal string, or a number written back as its decimal string) in fen, by
 * string arithmetic, never through a float; undefined when absent. Negative amounts are refused.
 */
export function yuanToFen(value: unknown, path: string, malformed: Malformed): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return malformed(path, 'must be a decimal amount');
  try {
    const fen = decimalToMinor(value);
    if (fen < 0) return malformed(path, 'must not be negative');
    return fen;
  } catch (err) {
    if (err instanceof MoneyFormatError) return malformed(path, err.message);
    throw err;
  }
}

/** "yyyy-MM-dd HH:mm:ss" on the Beijing wall clock → an ISO instant; undefined when absent. */
export function chinaTimeToIso(value: unknown, path: string, malformed: Malformed, problem?: string): string | undefined {
  const s = text(value);
  if (!s) return undefined;
  try {
    return isoUtc(parseWallClock(s, CHINA_ZONE));
  } catch (err) {
    if (err instanceof WallClockError) return malformed(path, problem ?? err.message);
    throw err;
  }
}

type OrderTimes = Pick<OrderInput, 'orderedAt' | 'paidAt' | 'channelModifiedAt' | 'shipBy'>;

/**
 * A normalised order with the conversions its times went through, for its audit: each field's
 * text as the channel wrote it (`sources`), that text's zone (the channel's, or Unix seconds), and
 * the UTC instant the normaliser read from it. Nothing is parsed again; a field the order lacks
 * (absent, or Douyin's 0) is left out, and one it took from another field (JD's payment time
 * when JD leaves it out) is not a conversion of its own.
 */
export function withTimeConversions<T extends OrderTimes>(order: T, zone: string, sources: Partial<Record<keyof OrderTimes, unknown>>): T & { timeConversions: TimeConversion[] } {
  const log = new ConversionLog('channel_in');
  for (const [field, value] of Object.entries(sources) as [keyof OrderTimes, unknown][]) {
    const source = text(value);
    const utc = order[field];
    if (source && utc) log.readIn(field, source, zone, utc);
  }
  return { ...order, timeConversions: log.records };
}

/**
 * An order's money in CNY fen. Every channel here spreads its promotions over the lines or leaves
 * them out of the total, so the discount is derived, discount = goods + shipping − total, and the
 * canonical identity holds by construction; a total above goods and shipping means the amounts
 * contradict each other, and `inconsistent` refuses the order in the channel's words.
 */
export function cnyAmounts(goodsFen: number, shippingFen: number, totalFen: number, inconsistent: () => never) {
  const discountFen = goodsFen + shippingFen - totalFen;
  if (discountFen < 0) inconsistent();
  return { currency: 'CNY' as const, goodsFen, shippingFen, discountFen, totalFen };
}

/** A buyer's message or a seller's memo, as much as the canonical order keeps. */
export function memo(value: unknown): string | undefined {
  return text(value)?.slice(0, 1000);
}

/** The buyer's reference when it fits the canonical order; a longer one is left out, not cut. */
export function buyerRefOf(value: unknown): string | undefined {
  const ref = text(value);
  return ref && ref.length <= 100 ? ref : undefined;
}
