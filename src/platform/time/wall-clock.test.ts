import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromUnixSeconds, instantFromDb, InstantFormatError, isoInstantMs, isoUtc, parseIsoInstant } from './instants.ts';
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

test('ISO instants are read only when they state their zone and name a real time', () => {
  assert.equal(parseIsoInstant('2025-12-25T00:30:00+08:00').toISOString(), '2025-12-24T16:30:00.000Z');
  assert.equal(parseIsoInstant('2025-12-25t00:30:00z').toISOString(), '2025-12-25T00:30:00.000Z');
  assert.equal(parseIsoInstant('2025-12-25T00:30+0800').toISOString(), '2025-12-24T16:30:00.000Z');
  assert.equal(parseIsoInstant('2024-02-29T12:00:00.123456Z').toISOString(), '2024-02-29T12:00:00.123Z');
  for (const bad of ['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-02-28T24:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00+19:00']) {
    assert.ok(Number.isNaN(isoInstantMs(bad)), bad);
  }
  assert.equal(instantFromDb('2026-12-24 16:30:00+00').toISOString(), '2026-12-24T16:30:00.000Z');
  assert.equal(instantFromDb('2026-12-24 22:00:00.5+05:30').toISOString(), '2026-12-24T16:30:00.500Z');
});

test('UTC instants are written without milliseconds when they have none', () => {
  assert.equal(isoUtc(parseIsoInstant('2025-12-24T16:30:00Z')), '2025-12-24T16:30:00Z');
  assert.equal(isoUtc(parseIsoInstant('2025-12-24T16:30:00.250Z')), '2025-12-24T16:30:00.250Z');
});
