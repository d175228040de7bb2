import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromUnixSeconds, InstantFormatError } from './instants.ts';
import { formatWallClock, isTimeZone, parseWallClock, WallClockError, wallClockStamp } from './wall-clock.ts';

test('a Beijing wall-clock time is read in GMT+8', () => {
  // The brief's case: 00:30 on 25 December in Beijing is still 24 December in UTC.
  assert.equal(parseWallClock('2026-12-25 00:30:00').toISOString(), '2026-12-24T16:30:00.000Z');
});

test('times are written in the zone asked for, DST included', () => {
  const at = new Date('2026-12-24T16:30:00Z');
  assert.equal(formatWallClock(at), '2026-12-25 00:30:00');
  assert.equal(formatWallClock(at, 'America/Los_Angeles'), '2026-12-24 08:30:00');
  assert.equal(formatWallClock(new Date('2026-07-01T16:30:00Z'), 'America/Los_Angeles'), '2026-07-01 09:30:00');
  assert.equal(wallClockStamp(at, 'Asia/Shanghai'), '202612250030');
});

test('bad times are refused', () => {
  assert.throws(() => parseWallClock('2026-13-01 00:00:00'), WallClockError);
  assert.throws(() => parseWallClock('2026-12-25T00:30:00'), WallClockError);
  assert.throws(() => fromUnixSeconds('abc'), InstantFormatError);
  assert.equal(fromUnixSeconds('1618990587').toISOString(), '2021-04-21T07:36:27.000Z');
});

test('a fixed offset a message states is a zone to read in, but not one a person may name', () => {
  assert.equal(parseWallClock('2026-11-11 10:00:00', 'UTC+08:00').toISOString(), '2026-11-11T02:00:00.000Z');
  assert.equal(parseWallClock('2026-11-10 18:00:00', 'UTC-08:00').toISOString(), '2026-11-11T02:00:00.000Z');
  assert.equal(isTimeZone('UTC+08:00'), false);
  assert.equal(isTimeZone('Asia/Shanghai'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
});
