import { addDays, atLocalTime, CHINA_ZONE, isoWeekOf, lastDayOfMonth, localDateOf } from '../../platform/time/wall-clock.ts';

/**
 * 库存健康评分, the pure part: business days and ISO weeks in Asia/Shanghai (the platforms' own
 * zone, so "a day" means the day the merchant and the platform see), and the score formula.
 *
 *   score = accurateDays / operatingDays × w1 + oversellTerm × w2
 *   oversellTerm = 1 / (1 + oversellCount)
 *
 * A period without a single operating day is not scored (null): nothing happened to judge, and a
 * zero would pause a platform that merely sold nothing. With no oversells the term is 1, so a
 * perfect period earns the whole w2 and the maximum is w1 + w2 (100 by default). The one added to
 * the count is what makes the first oversell cost something (half of w2): with 1 / oversellCount
 * one oversell would score the same as none.
 */
export const SCORE_ZONE = CHINA_ZONE;

export interface Weights {
  accuracy: number;
  oversell: number;
}

export interface DayRecord {
  day: string;
  accurate: boolean;
  oversellCount: number;
}

export interface PeriodSummary {
  operatingDays: number;
  accurateDays: number;
  oversellCount: number;
  /** Unrounded; null when the period had no operating day. */
  score: number | null;
}

export function oversellTerm(oversellCount: number): number {
  return 1 / (1 + Math.max(0, oversellCount));
}

export function score(operatingDays: number, accurateDays: number, oversellCount: number, weights: Weights): number | null {
  if (operatingDays <= 0) return null;
  return (accurateDays / operatingDays) * weights.accuracy + oversellTerm(oversellCount) * weights.oversell;
}

/** Every recorded day is an operating day: a day is recorded only for a channel that operated on it. */
export function summarize(days: DayRecord[], weights: Weights): PeriodSummary {
  const operatingDays = days.length;
  const accurateDays = days.filter((d) => d.accurate).length;
  const oversellCount = days.reduce((n, d) => n + d.oversellCount, 0);
  return { operatingDays, accurateDays, oversellCount, score: score(operatingDays, accurateDays, oversellCount, weights) };
}

/** For display only; comparisons use the unrounded score. */
export function displayScore(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** Below the threshold only when scored: an unscored week neither pauses nor clears anything. */
export function isFailing(value: number | null, pauseBelow: number): boolean {
  return value !== null && value < pauseBelow;
}

// --- Business calendar (Asia/Shanghai) -----------------------------------------------------

/** The business day (yyyy-MM-dd) an instant falls on. */
export function businessDay(at: Date): string {
  return localDateOf(at, SCORE_ZONE);
}

/** [start, end) of a business day as instants. */
export function dayBounds(day: string): { start: Date; end: Date } {
  return { start: atLocalTime(day, 0, SCORE_ZONE), end: atLocalTime(addDays(day, 1), 0, SCORE_ZONE) };
}

export interface Week {
  /** ISO week label, e.g. 2026-W46. */
  week: string;
  /** Monday. */
  from: string;
  /** Sunday, inclusive. */
  to: string;
}

function weekFrom(monday: string): Week {
  return { week: isoWeekOf(monday).week, from: monday, to: addDays(monday, 6) };
}

/** The ISO week (Monday–Sunday) a business day belongs to. */
export function weekContaining(day: string): Week {
  return weekFrom(isoWeekOf(day).monday);
}

/**
 * The last `count` complete weeks before the week `at` falls in, oldest first. A week is complete
 * once its Sunday is over in Shanghai.
 */
export function completeWeeksBefore(at: Date, count: number): Week[] {
  const thisMonday = isoWeekOf(businessDay(at)).monday;
  return Array.from({ length: count }, (_, i) => weekFrom(addDays(thisMonday, -7 * (count - i))));
}

/** First and last day of a month given as yyyy-MM. */
export function monthDays(month: string): { from: string; to: string } {
  return { from: `${month}-01`, to: lastDayOfMonth(month) };
}

export function monthOf(at: Date): string {
  return businessDay(at).slice(0, 7);
}

// --- Pause rule ----------------------------------------------------------------------------

export interface PauseState {
  paused: boolean;
  pausedAt: Date | null;
}

/**
 * 暂停上新: pause when the last two complete weeks were both scored and both below the threshold.
 * Already paused → nothing to do. After a pause, each week counts toward at most one pause: the
 * failing pair must start after the pair that caused the last one (the pair that was "last two
 * complete weeks" when it was paused), so an admin's clear holds until two fresh weeks fail.
 */
export function pauseDecision(
  pair: [Week, Week],
  scores: [number | null, number | null],
  pauseBelow: number,
  current: PauseState | null,
): 'pause' | 'keep' {
  if (current?.paused) return 'keep';
  if (!isFailing(scores[0], pauseBelow) || !isFailing(scores[1], pauseBelow)) return 'keep';
  if (current?.pausedAt) {
    const previousPair = completeWeeksBefore(current.pausedAt, 2);
    if (pair[0].from <= previousPair[1]!.to) return 'keep';
  }
  return 'pause';
}
