import { hexSignatureMatches, hmacSha256Hex, requireSecret } from '../channels/signing/params.ts';

/**
 * The signature of the JSON warehouse protocol (overseas warehouses): lower-case hex
 * HMAC-SHA256 under the shared secret of `timestamp + "\n" + the raw body`, sent as
 * `X-Signature` beside `X-App-Key` and `X-Timestamp` (ISO-8601 with zone).
 */
export function signWmsJson(timestamp: string, body: string, secret: string): string {
  requireSecret(secret, 'WMS app secret');
  return hmacSha256Hex(`${timestamp}\n${body}`, secret, 'lower');
}

export function wmsJsonSignatureMatches(timestamp: string, body: string, secret: string, signature: string): boolean {
  return hexSignatureMatches(signWmsJson(timestamp, body, secret), signature);
}
