import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from './errors.ts';
import { decodeCursor, decodeInstantCursor, encodeCursor, encodeInstantCursor, pageOf, pageProbe } from './paging.ts';

test('a cursor gives back the keys it was made of, and anything else is a 400', () => {
  assert.deepEqual(decodeCursor(encodeCursor(['2026-11-11T00:00:00.000Z', 'ord_1']), 2), ['2026-11-11T00:00:00.000Z', 'ord_1']);
  for (const bad of ['', 'not-base64-json', encodeCursor(['only one']), Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), encodeCursor(['2026-11-11T00:00:00.000Z', 'ord\u0000'])]) {
    assert.throws(() => decodeCursor(bad, 2), (err) => isAppError(err) && err.code === 'VALIDATION_FAILED', bad);
  }
});

test('a page holds at most its limit and names the next page only when there is one', () => {
  const rows = ['a', 'b', 'c'];
  assert.equal(pageProbe(2), 3);
  assert.deepEqual(pageOf(rows, 2, (last) => `after ${last}`), { rows: ['a', 'b'], next: 'after b' });
  assert.deepEqual(pageOf(rows, 3, (last) => `after ${last}`), { rows: ['a', 'b', 'c'], next: null });
  assert.deepEqual(pageOf([], 3, () => 'x'), { rows: [], next: null });
});

test('an instant-and-id cursor gives back both, and refuses an instant no row can have', () => {
  const at = new Date('2026-11-11T08:00:00.123Z');
  assert.deepEqual(decodeInstantCursor(encodeInstantCursor(at, 'ord_9')), { at, id: 'ord_9' });
  assert.throws(() => decodeInstantCursor(encodeCursor(['not a time', 'ord_9'])), (err) => isAppError(err) && err.code === 'VALIDATION_FAILED');
  assert.throws(() => decodeInstantCursor(encodeCursor(['1900-01-01T00:00:00Z', 'ord_9'])), (err) => isAppError(err) && err.code === 'VALIDATION_FAILED');
});
