import { concatSorted, hexSignatureMatches, md5Hex, requireSecret, type SignParams } from '../signing/params.ts';

/**
 * JD routerjson request signing (京东开放平台签名): TOP's md5 rule over the system parameters. All
 * business parameters travel as one JSON string in `360buy_param_json` and are signed as that one
 * value, so the caller passes the exact string it will send (serialise once, sign and send the same
 * string). Parameters outside this list, such as `format`, do not take part; JD's documented example
 * signature is reproduced only when they are left out.
 */
export const JD_SIGNED_KEYS = ['app_key', 'access_token', 'method', 'v', 'timestamp', '360buy_param_json'] as const;

export type JdSignedParams = SignParams & {
  readonly app_key: string;
  readonly method: string;
  readonly v: string;
  /** "yyyy-MM-dd HH:mm:ss" in GMT+8, signed exactly as sent. */
  readonly timestamp: string;
  readonly '360buy_param_json': string;
  /** Left out of the signature when empty, as for the few APIs that need no seller authorisation. */
  readonly access_token?: string;
};

function jdSigningString(params: SignParams): string {
  const signed: Record<string, SignParams[string]> = {};
  for (const key of JD_SIGNED_KEYS) signed[key] = params[key];
  return concatSorted(signed);
}

export function signJd(params: JdSignedParams, secret: string): string {
  requireSecret(secret);
  return md5Hex(secret + jdSigningString(params) + secret, 'upper');
}

/** Gateway side: takes the parameters as received (any extra ones are ignored, as JD does). */
export function verifyJd(params: SignParams, secret: string): boolean {
  requireSecret(secret);
  const received = typeof params.sign === 'string' ? params.sign : undefined;
  return hexSignatureMatches(md5Hex(secret + jdSigningString(params) + secret, 'upper'), received);
}
