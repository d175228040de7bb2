import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isoInZone } from './instants.ts';
import { atLocalTime, formatWallClock, localDateOf, offsetOf, parseWallClock } from './wall-clock.ts';

/**
 * The one policy for wall times, market by market (2026's changes): a time a spring-forward gap
 * skips moves forward by the gap; a time an autumn change shows twice is the earlier instant;
 * markets without DST keep one offset all year.
 */
const local = (date: string, time: string, zone: string) => isoInZone(atLocalTime(date, time, zone), zone);

interface DstMarket {
  market: string;
  zone: string;
  /** The day clocks go forward, a wall time it skips, and what that time becomes. */
  gap: [string, string, string];
  /** The day clocks go back, a wall time it shows twice, and the earlier instant. */
  overlap: [string, string, string];
}

const withDst: DstMarket[] = [
  { market: 'US', zone: 'America/New_York', gap: ['2026-03-08', '02:30', '2026-03-08T03:30:00-04:00'], overlap: ['2026-11-01', '01:30', '2026-11-01T01:30:00-04:00'] },
  { market: 'US (Pacific)', zone: 'America/Los_Angeles', gap: ['2026-03-08', '02:15', '2026-03-08T03:15:00-07:00'], overlap: ['2026-11-01', '01:45', '2026-11-01T01:45:00-07:00'] },
  { market: 'CA', zone: 'America/Toronto', gap: ['2026-03-08', '02:30', '2026-03-08T03:30:00-04:00'], overlap: ['2026-11-01', '01:30', '2026-11-01T01:30:00-04:00'] },
  { market: 'GB', zone: 'Europe/London', gap: ['2026-03-29', '01:30', '2026-03-29T02:30:00+01:00'], overlap: ['2026-10-25', '01:30', '2026-10-25T01:30:00+01:00'] },
  { market: 'DE', zone: 'Europe/Berlin', gap: ['2026-03-29', '02:30', '2026-03-29T03:30:00+02:00'], overlap: ['2026-10-25', '02:30', '2026-10-25T02:30:00+02:00'] },
  { market: 'FR', zone: 'Europe/Paris', gap: ['2026-03-29', '02:00', '2026-03-29T03:00:00+02:00'], overlap: ['2026-10-25', '02:00', '2026-10-25T02:00:00+02:00'] },
  { market: 'ES', zone: 'Europe/Madrid', gap: ['2026-03-29', '02:59', '2026-03-29T03:59:00+02:00'], overlap: ['2026-10-25', '02:59', '2026-10-25T02:59:00+02:00'] },
  { market: 'IT', zone: 'Europe/Rome', gap: ['2026-03-29', '02:30', '2026-03-29T03:30:00+02:00'], overlap: ['2026-10-25', '02:30', '2026-10-25T02:30:00+02:00'] },
  { market: 'NL', zone: 'Europe/Amsterdam', gap: ['2026-03-29', '02:30', '2026-03-29T03:30:00+02:00'], overlap: ['2026-10-25', '02:30', '2026-10-25T02:30:00+02:00'] },
  // Southern hemisphere: forward in the (northern) autumn, back in the spring.
  { market: 'AU', zone: 'Australia/Sydney', gap: ['2026-10-04', '02:30', '2026-10-04T03:30:00+11:00'], overlap: ['2026-04-05', '02:30', '2026-04-05T02:30:00+11:00'] },
  { market: 'NZ', zone: 'Pacific/Auckland', gap: ['2026-09-27', '02:30', '2026-09-27T03:30:00+13:00'], overlap: ['2026-04-05', '02:30', '2026-04-05T02:30:00+13:00'] },
];

/** Markets without DST, and the one offset each keeps (Mexico since 2022, Brazil since 2019, Queensland always). */
const withoutDst: [string, string, string][] = [
  ['CN', 'Asia/Shanghai', '+08:00'], ['HK', 'Asia/Hong_Kong', '+08:00'], ['TW', 'Asia/Taipei', '+08:00'], ['JP', 'Asia/Tokyo', '+09:00'],
  ['KR', 'Asia/Seoul', '+09:00'], ['SG', 'Asia/Singapore', '+08:00'], ['MY', 'Asia/Kuala_Lumpur', '+08:00'], ['TH', 'Asia/Bangkok', '+07:00'],
  ['AE', 'Asia/Dubai', '+04:00'], ['SA', 'Asia/Riyadh', '+03:00'], ['MX', 'America/Mexico_City', '-06:00'], ['BR', 'America/Sao_Paulo', '-03:00'],
  ['AU (Queensland)', 'Australia/Brisbane', '+10:00'], ['US (Arizona)', 'America/Phoenix', '-07:00'],
];

describe('local business time across DST, market by market', () => {
  for (const m of withDst) {
    test(`${m.market} (${m.zone}): a skipped time moves forward, a repeated one is the earlier`, () => {
      const [gapDay, skipped, forward] = m.gap;
      assert.equal(local(gapDay, skipped, m.zone), forward);
      assert.equal(isoInZone(parseWallClock(`${gapDay} ${skipped}:00`, m.zone), m.zone), forward, 'the same when read from a channel');
      const [overlapDay, twice, earlier] = m.overlap;
      assert.equal(local(overlapDay, twice, m.zone), earlier);
      assert.equal(isoInZone(parseWallClock(`${overlapDay} ${twice}:00`, m.zone), m.zone), earlier);
      // An hour after the earlier instant the clock shows the same time again: the later one exists, and is not taken.
      const later = new Date(atLocalTime(overlapDay, twice, m.zone).getTime() + 3_600_000);
      assert.equal(formatWallClock(later, m.zone), `${overlapDay} ${twice}:00`);
      // A day's cut-off a whole day apart is 23 or 25 hours apart across a change, never a shifted wall time.
      const before = atLocalTime(gapDay, '16:00', m.zone);
      const dayBefore = atLocalTime(localDateOf(new Date(before.getTime() - 36 * 3_600_000), m.zone), '16:00', m.zone);
      assert.equal((before.getTime() - dayBefore.getTime()) / 3_600_000, 23);
      assert.equal(formatWallClock(before, m.zone), `${gapDay} 16:00:00`);
    });
  }
  for (const [market, zone, offset] of withoutDst) {
    test(`${market} (${zone}) keeps ${offset} all year; every wall time exists once`, () => {
      for (const date of ['2026-01-15', '2026-03-08', '2026-03-29', '2026-04-05', '2026-07-15', '2026-10-25', '2026-11-01']) {
        assert.equal(local(date, '02:30', zone), `${date}T02:30:00${offset}`);
        assert.equal(offsetOf(atLocalTime(date, '12:00', zone), zone), offset);
      }
    });
  }
  test('the brief\'s instant in each market', () => {
    const at = parseWallClock('2025-12-25 00:30:00', 'Asia/Shanghai');
    assert.equal(isoInZone(at, 'UTC'), '2025-12-24T16:30:00Z');
    assert.equal(isoInZone(at, 'America/Los_Angeles'), '2025-12-24T08:30:00-08:00');
    assert.equal(isoInZone(at, 'America/New_York'), '2025-12-24T11:30:00-05:00');
    assert.equal(isoInZone(at, 'Australia/Sydney'), '2025-12-25T03:30:00+11:00');
    assert.equal(isoInZone(at, 'Europe/London'), '2025-12-24T16:30:00+00:00');
  });
});
