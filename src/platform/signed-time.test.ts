import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signedTimeIsFresh } from './signed-time.ts';

const now = new Date('2026-11-11T04:00:00Z');

test('each protocol format is read, and ten minutes either way is the default window', () => {
  const within = [
    { value: '2026-11-11 12:09:59', format: 'china-wall-clock' },
    { value: String(now.getTime() / 1000 - 600), format: 'unix-seconds' },
    { value: now.getTime() / 1000 + 600, format: 'unix-seconds' },
    { value: '2026-11-10T20:05:00-08:00', format: 'iso-8601' },
  ] as const;
  for (const signed of within) assert.equal(signedTimeIsFresh(signed, { now }), true, JSON.stringify(signed));
  const outside = [
    { value: '2026-11-11 12:10:01', format: 'china-wall-clock' },
    // The same wall clock read as UTC would be eight hours off: the zone is GMT+8.
    { value: '2026-11-11 04:00:00', format: 'china-wall-clock' },
    { value: now.getTime() / 1000 - 601, format: 'unix-seconds' },
    { value: now.getTime(), format: 'unix-seconds' },
    { value: '2026-11-11T04:00:00', format: 'iso-8601' },
  ] as const;
  for (const signed of outside) assert.equal(signedTimeIsFresh(signed, { now }), false, JSON.stringify(signed));
});

test('missing or unreadable is never fresh; the window is configurable', () => {
  for (const value of [undefined, null, '', 'yesterday', '2026-13-45 99:00:00', 1.5, -3, {}]) {
    assert.equal(signedTimeIsFresh({ value, format: 'china-wall-clock' }, { now }), false);
    assert.equal(signedTimeIsFresh({ value, format: 'unix-seconds' }, { now }), false);
    assert.equal(signedTimeIsFresh({ value, format: 'iso-8601' }, { now }), false);
  }
  const fiveMinutesOld = { value: now.getTime() / 1000 - 300, format: 'unix-seconds' } as const;
  assert.equal(signedTimeIsFresh(fiveMinutesOld, { now, maxSkewMs: 60_000 }), false);
  assert.equal(signedTimeIsFresh(fiveMinutesOld, { now, maxSkewMs: 600_000 }), true);
});
