import { concatSorted, hexSignatureMatches, md5Hex, requireSecret, type SignParams } from '../signing/params.ts';

/**
 * Pinduoduo request signing (拼多多开放平台签名). Common and business parameters sit side by side in
 * one flat request and all of them take part, including `type` (the API name) and `timestamp` in
 * Unix seconds. List or object business parameters are sent as JSON strings; pass that string.
 */
export type PddSignedParams = SignParams & {
  readonly type: string;
  readonly client_id: string;
  /** Unix seconds; PDD refuses milliseconds. */
  readonly timestamp: string | number;
  readonly data_type?: string;
  readonly access_token?: string;
};

export function signPdd(params: PddSignedParams, clientSecret: string): string {
  requireSecret(clientSecret, 'client_secret');
  return md5Hex(clientSecret + concatSorted(params) + clientSecret, 'upper');
}

/** Gateway side: every received parameter but `sign` takes part, so an added one breaks the match. */
export function verifyPdd(params: SignParams, clientSecret: string): boolean {
  requireSecret(clientSecret, 'client_secret');
  const received = typeof params.sign === 'string' ? params.sign : undefined;
  return hexSignatureMatches(md5Hex(clientSecret + concatSorted(params) + clientSecret, 'upper'), received);
}
