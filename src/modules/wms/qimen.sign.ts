import { concatSorted, hexSignatureMatches, md5Hex, requireSecret, type SignParams } from '../channels/signing/params.ts';

/**
 * The Qimen (奇门) request signature: UPPER(MD5(secret + the URL parameters sorted by name as
 * key+value, `sign` left out + the raw body + secret)). Both ends sign the exact body bytes sent.
 */
export function signQimen(params: SignParams, body: string, secret: string): string {
  requireSecret(secret, 'Qimen app secret');
  return md5Hex(`${secret}${concatSorted(params)}${body}${secret}`, 'upper');
}

export function qimenSignatureMatches(params: SignParams & { sign?: string }, body: string, secret: string): boolean {
  return hexSignatureMatches(signQimen(params, body, secret), String(params.sign ?? ''), { caseInsensitive: true });
}
