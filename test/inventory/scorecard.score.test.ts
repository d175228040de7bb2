import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  businessDay, completeWeeksBefore, dayBounds, displayScore, monthDays, oversellTerm, pauseDecision, score, summarize, weekContaining,
} from '../../src/modules/inventory/scorecard.score.ts';

const defaults = { accuracy: 70, oversell: 30 };

describe('inventory health score', () => {
  test('a perfect period earns the full w1 + w2; zero oversells count as a full oversell term', () => {
    assert.equal(oversellTerm(0), 1);
    assert.equal(score(30, 30, 0, defaults), 100);
    assert.equal(score(30, 30, 0, { accuracy: 50, oversell: 50 }), 100);
  });

  test('accuracy share times w1 plus one over (one plus the oversell count) times w2', () => {
    assert.equal(score(10, 5, 4, defaults), 0.5 * 70 + 0.2 * 30);
    assert.equal(score(7, 7, 3, { accuracy: 60, oversell: 40 }), 60 + 10);
  });

  test('the first oversell costs half the oversell weight', () => {
    assert.equal(oversellTerm(1), 0.5);
    assert.equal(score(7, 7, 1, defaults), 70 + 15);
    assert.ok(score(7, 7, 1, defaults)! < score(7, 7, 0, defaults)!);
  });

  test('a period without operating days is not scored', () => {
    assert.equal(score(0, 0, 0, defaults), null);
    assert.deepEqual(summarize([], defaults), { operatingDays: 0, accurateDays: 0, oversellCount: 0, score: null });
  });

  test('summaries count recorded days and sum their oversells; display rounds to one decimal', () => {
    const s = summarize([
      { day: '2026-11-02', accurate: true, oversellCount: 0 },
      { day: '2026-11-03', accurate: false, oversellCount: 2 },
      { day: '2026-11-04', accurate: true, oversellCount: 1 },
    ], defaults);
    assert.deepEqual({ ...s, score: displayScore(s.score) }, { operatingDays: 3, accurateDays: 2, oversellCount: 3, score: 54.2 });
  });
});

describe('business calendar in Asia/Shanghai', () => {
  test('a day runs from 00:00 to 24:00 Beijing time', () => {
    assert.equal(businessDay(new Date('2026-11-10T15:59:59Z')), '2026-11-10');
    assert.equal(businessDay(new Date('2026-11-10T16:00:00Z')), '2026-11-11');
    assert.deepEqual(dayBounds('2026-11-11'), { start: new Date('2026-11-10T16:00:00Z'), end: new Date('2026-11-11T16:00:00Z') });
  });

  test('ISO weeks run Monday to Sunday; complete weeks are those before the running one', () => {
    assert.deepEqual(weekContaining('2026-11-11'), { week: '2026-W46', from: '2026-11-09', to: '2026-11-15' });
    // Monday 2026-11-16 00:30 in Shanghai is still Sunday in UTC.
    const weeks = completeWeeksBefore(new Date('2026-11-15T16:30:00Z'), 2);
    assert.deepEqual(weeks.map((w) => w.week), ['2026-W45', '2026-W46']);
    assert.deepEqual(completeWeeksBefore(new Date('2026-11-15T15:30:00Z'), 1).map((w) => w.week), ['2026-W45']);
    assert.deepEqual(completeWeeksBefore(new Date('2027-01-05T04:00:00Z'), 1), [{ week: '2026-W53', from: '2026-12-28', to: '2027-01-03' }]);
    assert.deepEqual(monthDays('2026-02'), { from: '2026-02-01', to: '2026-02-28' });
  });
});

describe('pause decision', () => {
  const pairAt = (at: string) => completeWeeksBefore(new Date(at), 2) as [ReturnType<typeof weekContaining>, ReturnType<typeof weekContaining>];
  const monday = '2026-11-16T02:00:00Z';

  test('two scored weeks below the threshold pause; one bad week or an unscored week does not', () => {
    assert.equal(pauseDecision(pairAt(monday), [60, 65], 70, null), 'pause');
    assert.equal(pauseDecision(pairAt(monday), [60, 75], 70, null), 'keep');
    assert.equal(pauseDecision(pairAt(monday), [60, null], 70, null), 'keep');
    assert.equal(pauseDecision(pairAt(monday), [60, 70], 70, null), 'keep');
  });

  test('already paused, or cleared for the same weeks: no new pause; a later, separate pair pauses again', () => {
    const pausedAt = new Date(monday);
    assert.equal(pauseDecision(pairAt(monday), [60, 65], 70, { paused: true, pausedAt }), 'keep');
    assert.equal(pauseDecision(pairAt('2026-11-20T02:00:00Z'), [60, 65], 70, { paused: false, pausedAt }), 'keep');
    // A week after: the pair overlaps the one that paused, so it waits for two fresh weeks.
    assert.equal(pauseDecision(pairAt('2026-11-23T02:00:00Z'), [65, 50], 70, { paused: false, pausedAt }), 'keep');
    assert.equal(pauseDecision(pairAt('2026-11-30T02:00:00Z'), [50, 50], 70, { paused: false, pausedAt }), 'pause');
  });
});
