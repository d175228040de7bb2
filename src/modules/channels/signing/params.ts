import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The pieces every marketplace's request signature is built from (渠道签名公共部分). The platforms
 * differ only in which parameters take part, how the secret wraps the string and the hash; the
 * sorting and concatenation below are the same for all four, so a fix here fixes them all.
 */

/**
 * A parameter value as it travels on the wire. Objects are not accepted: every platform sends them
 * as a JSON string, and the signature must cover exactly that string, so the caller serialises once.
 */
export type SignValue = string | number | boolean | null | undefined;
export type SignParams = Readonly<Record<string, SignValue>>;

export type HexCase = 'upper' | 'lower';

/** Sorts by the UTF-8 bytes of the key, which is the platforms' "ASCII order" for any key. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * `key1value1key2value2…` over the parameters sorted by key. `sign` is left out because it is what
 * is being computed; empty values are left out because the platforms' SDKs drop them before sending,
 * and the gateways drop them before verifying.
 */
export function concatSorted(params: SignParams, exclude: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key))
    .map((key) => [key, wireValue(key, params[key])] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== '')
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([key, value]) => key + value)
    .join('');
}

function wireValue(key: string, value: SignValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    // A number past 2^53 has already lost digits, so its signature would cover a different id
    // from the one meant; ids must arrive as strings.
    if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
      throw new TypeError(`parameter ${key} is not a safe number (${value}); send ids as strings`);
    }
  }
  return String(value);
}

/** Refuses an empty secret: a missing secret must fail loudly, never sign with "" by default. */
export function requireSecret(secret: string, name = 'secret'): string {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError(`${name} is empty`);
  return secret;
}

function toCase(hex: string, hexCase: HexCase): string {
  return hexCase === 'upper' ? hex.toUpperCase() : hex;
}

/** MD5 of the UTF-8 bytes (or of raw bytes, for webhook bodies signed as received). */
export function md5Hex(data: string | Buffer, hexCase: HexCase): string {
  return toCase(createHash('md5').update(data).digest('hex'), hexCase);
}

export function hmacMd5Hex(data: string, key: string, hexCase: HexCase): string {
  return toCase(createHmac('md5', key).update(data, 'utf8').digest('hex'), hexCase);
}

export function hmacSha256Hex(data: string, key: string, hexCase: HexCase): string {
  return toCase(createHmac('sha256', key).update(data, 'utf8').digest('hex'), hexCase);
}

/**
 * Compares a received hex signature with the expected one in constant time, so a verifying server
 * does not leak how many leading characters were right. `caseInsensitive` is for the rules that
 * accept either case (Douyin webhooks); the request rules state one case and a gateway following
 * them rejects the other, so the sandbox does too.
 */
export function hexSignatureMatches(
  expected: string,
  received: string | undefined,
  options: { caseInsensitive?: boolean } = {},
): boolean {
  if (typeof received !== 'string' || received.length === 0) return false;
  const a = Buffer.from(options.caseInsensitive ? expected.toLowerCase() : expected, 'utf8');
  const b = Buffer.from(options.caseInsensitive ? received.toLowerCase() : received, 'utf8');
  // Lengths are public (every signature of a kind has the same length), so this early exit leaks nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}
