import {
  compareKeys,
  hexSignatureMatches,
  hmacSha256Hex,
  md5Hex,
  requireSecret,
  type SignParams,
} from '../signing/params.ts';

/**
 * Douyin shop (抖店) request and webhook signing. Unlike the other three, the business parameters
 * are not flattened: they travel as one compact JSON text, `param_json`, and the signature covers
 * that text byte for byte. So a client serialises once with `douyinParamJson`, signs that string and
 * sends that same string; re-serialising between signing and sending is how signatures break.
 */

/**
 * JSON the way Douyin ids must travel: ids and other integers beyond 2^53 (order ids are 19 digits)
 * are passed as strings and stay strings. A number that is not a safe integer is refused rather than
 * silently rounded into somebody else's order id.
 */
export type DouyinJson =
  | string
  | number
  | boolean
  | null
  | readonly DouyinJson[]
  | { readonly [key: string]: DouyinJson | undefined };

export type DouyinBusinessParams = { readonly [key: string]: DouyinJson | undefined };

/**
 * `param_json`: compact JSON, object keys sorted recursively in byte order, arrays in their own order,
 * undefined members left out (as JSON.stringify would). Written by hand because a JS object puts
 * integer-like keys ("10", "9") first whatever order they were inserted in, so a sorted copy passed
 * to JSON.stringify would not come out sorted.
 */
export function douyinParamJson(business: DouyinBusinessParams): string {
  return serialise(business, '$');
}

function serialise(value: DouyinJson | undefined, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
        throw new TypeError(`${path} is not a safe number (${value}); pass big ids as strings`);
      }
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) {
        return `[${value.map((item: DouyinJson | undefined, i: number) => {
          if (item === undefined) throw new TypeError(`${path}[${i}] is undefined`);
          return serialise(item, `${path}[${i}]`);
        }).join(',')}]`;
      }
      return serialiseObject(value as { readonly [key: string]: DouyinJson | undefined }, path);
    default:
      throw new TypeError(`${path} cannot be sent as JSON (${typeof value})`);
  }
}

function serialiseObject(value: { readonly [key: string]: DouyinJson | undefined }, path: string): string {
  const proto: unknown = Object.getPrototypeOf(value);
  // A Date or Map would serialise to something other than what the caller looked at.
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path} is not a plain object`);
  const members = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort(compareKeys)
    .map((key) => `${JSON.stringify(key)}:${serialise(value[key], `${path}.${key}`)}`);
  return `{${members.join(',')}}`;
}

export const DOUYIN_SIGN_METHODS = ['md5', 'hmac-sha256'] as const;
export type DouyinSignMethod = (typeof DOUYIN_SIGN_METHODS)[number];

export interface DouyinSignedParams {
  readonly app_key: string;
  /** API name with dots, e.g. "order.searchList". */
  readonly method: string;
  /** The exact text sent as the request body; see `douyinParamJson`. */
  readonly param_json: string;
  /** Unix seconds, signed as its decimal text. */
  readonly timestamp: string | number;
  readonly v: string;
  /** Absent means md5. */
  readonly sign_method?: string;
}

function douyinSignature(params: DouyinSignedParams, method: DouyinSignMethod, appSecret: string): string {
  // Fixed order rather than a sort, as Douyin documents it; `access_token` is deliberately not in it.
  const s =
    'app_key' + params.app_key + 'method' + params.method + 'param_json' + params.param_json +
    'timestamp' + String(params.timestamp) + 'v' + params.v;
  const wrapped = appSecret + s + appSecret;
  return method === 'md5' ? md5Hex(wrapped, 'lower') : hmacSha256Hex(wrapped, appSecret, 'lower');
}

function signMethodOf(params: { readonly sign_method?: unknown }): DouyinSignMethod | undefined {
  const method = params.sign_method ?? 'md5';
  return (DOUYIN_SIGN_METHODS as readonly unknown[]).includes(method) ? (method as DouyinSignMethod) : undefined;
}

export function signDouyin(params: DouyinSignedParams, appSecret: string): string {
  const method = signMethodOf(params);
  if (!method) throw new TypeError(`unknown Douyin sign_method ${JSON.stringify(params.sign_method)}`);
  return douyinSignature(params, method, requireSecret(appSecret, 'app_secret'));
}

/**
 * Gateway side. `params` are the query parameters with `param_json` set to the raw request body as
 * received (never a re-serialisation of the parsed body). A missing common parameter is a mismatch.
 */
export function verifyDouyin(params: SignParams, appSecret: string): boolean {
  requireSecret(appSecret, 'app_secret');
  const method = signMethodOf(params);
  const { app_key, method: api, param_json, timestamp, v, sign } = params;
  if (!method || typeof sign !== 'string' || typeof param_json !== 'string') return false;
  if (typeof app_key !== 'string' || typeof api !== 'string' || typeof v !== 'string') return false;
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return false;
  const expected = douyinSignature({ app_key, method: api, param_json, timestamp, v }, method, appSecret);
  return hexSignatureMatches(expected, sign);
}

/**
 * Webhook `event-sign` header: MD5(app_key + body + app_secret) over the body bytes exactly as they
 * arrived, so pass the raw Buffer rather than re-encoded text where you have it.
 */
export function signDouyinEvent(appKey: string, appSecret: string, rawBody: string | Buffer): string {
  requireSecret(appSecret, 'app_secret');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return md5Hex(Buffer.concat([Buffer.from(appKey, 'utf8'), body, Buffer.from(appSecret, 'utf8')]), 'lower');
}

/** The documented rule says only "hex", not which case, so either case is accepted. */
export function verifyDouyinEvent(
  appKey: string,
  appSecret: string,
  rawBody: string | Buffer,
  header: string | readonly string[] | undefined,
): boolean {
  // A repeated header is not something Douyin sends; refusing it avoids guessing which copy counts.
  if (typeof header !== 'string') return false;
  return hexSignatureMatches(signDouyinEvent(appKey, appSecret, rawBody), header, { caseInsensitive: true });
}
