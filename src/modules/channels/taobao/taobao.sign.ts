import { formatWallClock, parseWallClock, WallClockError, CHINA_ZONE } from '../../../platform/time/wall-clock.ts';
import {
  concatSorted,
  hexSignatureMatches,
  hmacMd5Hex,
  hmacSha256Hex,
  md5Hex,
  requireSecret,
  type SignParams,
} from '../signing/params.ts';

/**
 * Taobao/Tmall TOP request signing (淘宝开放平台签名). Every request parameter except `sign` takes
 * part, `sign_method` included, so the signature also fixes which method was used.
 */
export const TOP_SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type TopSignMethod = (typeof TOP_SIGN_METHODS)[number];

function isTopSignMethod(value: unknown): value is TopSignMethod {
  return (TOP_SIGN_METHODS as readonly unknown[]).includes(value);
}

/**
 * The signature for `params` with `params.sign_method`. A request without `sign_method` is signed
 * with md5, TOP's original default, which is also what its documented example assumes.
 */
export function signTop(params: SignParams, secret: string): string {
  const method = params.sign_method ?? 'md5';
  if (!isTopSignMethod(method)) throw new TypeError(`unknown TOP sign_method ${JSON.stringify(method)}`);
  return topSignature(method, concatSorted(params), requireSecret(secret));
}

function topSignature(method: TopSignMethod, s: string, secret: string): string {
  switch (method) {
    case 'md5':
      return md5Hex(secret + s + secret, 'upper');
    case 'hmac':
      return hmacMd5Hex(s, secret, 'upper');
    case 'hmac-sha256':
      return hmacSha256Hex(s, secret, 'upper');
  }
}

/** Gateway side: does `params.sign` match? An unknown `sign_method` is a mismatch, not a crash. */
export function verifyTop(params: SignParams, secret: string): boolean {
  const method = params.sign_method ?? 'md5';
  if (!isTopSignMethod(method)) return false;
  const received = typeof params.sign === 'string' ? params.sign : undefined;
  return hexSignatureMatches(topSignature(method, concatSorted(params), requireSecret(secret)), received);
}

/** TOP's `timestamp`: "yyyy-MM-dd HH:mm:ss" on the Beijing wall clock, whatever the server's zone. */
export function topTimestamp(at: Date): string {
  return formatWallClock(at, CHINA_ZONE);
}

export type TopTimestampCheck = { ok: true; at: Date } | { ok: false; reason: 'malformed' | 'skewed' };

/** TOP refuses a request whose timestamp is more than 10 minutes off its own clock, either way. */
export function checkTopTimestamp(
  value: string | undefined,
  now: Date,
  maxSkewMs: number = 10 * 60 * 1000,
): TopTimestampCheck {
  if (typeof value !== 'string') return { ok: false, reason: 'malformed' };
  let at: Date;
  try {
    at = parseWallClock(value, CHINA_ZONE);
  } catch (error) {
    if (error instanceof WallClockError) return { ok: false, reason: 'malformed' };
    throw error;
  }
  return Math.abs(now.getTime() - at.getTime()) <= maxSkewMs ? { ok: true, at } : { ok: false, reason: 'skewed' };
}
