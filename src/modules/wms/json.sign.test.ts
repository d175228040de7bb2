import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signWmsJson, wmsJsonSignatureMatches } from './json.sign.ts';

test('the JSON warehouse signature is HMAC-SHA256 of timestamp, newline and body, in lower-case hex', () => {
  const timestamp = '2026-11-10T18:00:00-08:00';
  const body = '{"deliveryOrderCode":"US-1"}';
  const expected = createHmac('sha256', 'k').update('2026-11-10T18:00:00-08:00\n{"deliveryOrderCode":"US-1"}').digest('hex');
  assert.equal(signWmsJson(timestamp, body, 'k'), expected);
  assert.equal(wmsJsonSignatureMatches(timestamp, body, 'k', expected), true);
  assert.equal(wmsJsonSignatureMatches(timestamp, `${body} `, 'k', expected), false);
  assert.equal(wmsJsonSignatureMatches('2026-11-10T18:00:01-08:00', body, 'k', expected), false);
});
