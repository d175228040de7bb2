import type { RequestContext } from '../../platform/context.ts';
import { addDays } from '../../platform/time/wall-clock.ts';
import { AppError } from '../../platform/errors.ts';
import { parseIsoInstant } from '../../platform/time/instants.ts';
import { oversellCounts } from './inventory.repository.ts';
import { settingsFor, type InventorySettings } from './inventory.settings.ts';
import { listPauses, pauseListingsIfUnchanged } from './listing-pauses.service.ts';
import * as repo from './scorecard.repository.ts';
import type { HealthDayRow } from './scorecard.repository.ts';
import {
  businessDay, completeWeeksBefore, dayBounds, displayScore, isFailing, monthDays, pauseDecision, SCORE_ZONE,
  summarize, weekContaining, type Week, type Weights,
} from './scorecard.score.ts';

/**
 * 库存健康评分卡. A channel operates on a day when, at the time of the sample, it has an active
 * listing, a stock push row, or an oversell on that day; each operating day gets one record. Stock
 * pushes keep only their current state, so a day is judged by samples taken while it runs (the
 * worker, about every minute) and one more right after it ends; missed days cannot be rebuilt and
 * stay unrecorded (not operating days) rather than guessed.
 */

const weightsOf = (s: InventorySettings): Weights => ({ accuracy: s.scoreWeightAccuracy, oversell: s.scoreWeightOversell });

export function healthDayView(r: HealthDayRow) {
  return {
    day: r.day,
    accurate: r.accurate,
    oversellCount: r.oversellCount,
    stalePushes: r.stalePushes,
    driftSkus: r.driftSkus,
    detail: r.detail ?? null,
    recordedAt: r.recordedAt.toISOString(),
  };
}

/**
 * Samples one business day for every operating channel and merges it into the day's record:
 * stale pushes are those failing for longer than the push SLA at the day's end (or now, while
 * the day runs), drift is a channel figure that differs from the last push with none pending.
 */
export async function recordDay(ctx: RequestContext, day: string) {
  const now = ctx.clock.now();
  const { start, end } = dayBounds(day);
  if (now <= start) throw new AppError('VALIDATION_FAILED', `${day} has not begun in ${SCORE_ZONE}`);
  const at = now < end ? now : end;
  const settings = await settingsFor(ctx);
  const staleBefore = new Date(at.getTime() - settings.pushSlaSeconds * 1000);

  const pushes = new Map((await repo.pushHealth(ctx.db, ctx.tenantId, at, staleBefore)).map((p) => [p.channel, p]));
  const listed = await repo.listedChannels(ctx.db, ctx.tenantId, at);
  const oversold = await oversellCounts(ctx.db, ctx.tenantId, start, end);
  const channels = [...new Set([...pushes.keys(), ...listed, ...oversold.keys()])].sort();

  const rows = channels.map((channel) => {
    const p = pushes.get(channel);
    const stalePushes = p?.stalePushes ?? 0;
    const driftSkus = p?.driftSkus ?? 0;
    return {
      tenantId: ctx.tenantId,
      channel,
      day,
      accurate: stalePushes === 0 && driftSkus === 0,
      oversellCount: oversold.get(channel) ?? 0,
      stalePushes,
      driftSkus,
      detail: { sampledAt: at.toISOString(), pushSlaSeconds: settings.pushSlaSeconds, stale: p?.staleSample ?? [], drift: p?.driftSample ?? [] },
      recordedAt: now,
    };
  });
  await repo.mergeDays(ctx.db, rows);
  return (await repo.daysBetween(ctx.db, ctx.tenantId, day, day)).map((r) => ({ channel: r.channel, ...healthDayView(r) }));
}

/** Yesterday's final sample once it is over (only once), then today's running one. */
export async function recordRecentDays(ctx: RequestContext): Promise<void> {
  const today = businessDay(ctx.clock.now());
  const yesterday = addDays(today, -1);
  if (!(await repo.dayClosed(ctx.db, ctx.tenantId, yesterday, dayBounds(yesterday).end))) await recordDay(ctx, yesterday);
  await recordDay(ctx, today);
}

function byChannel(rows: HealthDayRow[]): Map<string, HealthDayRow[]> {
  const out = new Map<string, HealthDayRow[]>();
  for (const r of rows) out.set(r.channel, [...(out.get(r.channel) ?? []), r]);
  return out;
}

function weekSummaries(rows: HealthDayRow[], weeks: Week[], weights: Weights) {
  return weeks.map((w) => ({ ...w, ...summarize(rows.filter((r) => r.day >= w.from && r.day <= w.to), weights) }));
}

/** Monthly report (月度评分): per channel, the month's figures, its days and its listing pause. */
export async function monthReport(ctx: RequestContext, month: string) {
  const settings = await settingsFor(ctx);
  const weights = weightsOf(settings);
  const { from, to } = monthDays(month);
  const grouped = byChannel(await repo.daysBetween(ctx.db, ctx.tenantId, from, to));
  const pauses = new Map((await listPauses(ctx)).map((p) => [p.channel, p]));
  const channels = [...new Set([...grouped.keys(), ...pauses.keys()])].sort();
  return {
    month, zone: SCORE_ZONE, from, to, weights, pauseBelowScore: settings.pauseBelowScore,
    items: channels.map((channel) => {
      const days = grouped.get(channel) ?? [];
      const summary = summarize(days, weights);
      return { channel, ...summary, score: displayScore(summary.score), days: days.map(healthDayView), listingPause: pauses.get(channel) ?? null };
    }),
  };
}

/** Weekly scores (ISO weeks, Monday–Sunday in Shanghai), oldest first; the running week last and marked incomplete. */
export async function weeklyReport(ctx: RequestContext, options: { channel?: string; weeks: number }) {
  const settings = await settingsFor(ctx);
  const weights = weightsOf(settings);
  const now = ctx.clock.now();
  const weeks = [...completeWeeksBefore(now, options.weeks - 1), weekContaining(businessDay(now))];
  const grouped = byChannel(await repo.daysBetween(ctx.db, ctx.tenantId, weeks[0]!.from, weeks[weeks.length - 1]!.to, options.channel));
  const pauses = new Map((await listPauses(ctx)).map((p) => [p.channel, p]));
  if (options.channel && !grouped.has(options.channel)) grouped.set(options.channel, []);
  return {
    zone: SCORE_ZONE, weights, pauseBelowScore: settings.pauseBelowScore,
    items: [...grouped.entries()].map(([channel, rows]) => ({
      channel,
      listingPause: pauses.get(channel) ?? null,
      weeks: weekSummaries(rows, weeks, weights).map((w, i) => ({
        ...w, score: displayScore(w.score), complete: i < weeks.length - 1, below: i < weeks.length - 1 && isFailing(w.score, settings.pauseBelowScore),
      })),
    })),
  };
}

/**
 * 暂停上新: a channel whose last two complete weeks both scored below the threshold has its new
 * listings paused, unless it is paused already or an admin cleared a pause for those same weeks.
 * Returns the channels paused now.
 */
export async function applyPauseRule(ctx: RequestContext): Promise<string[]> {
  const settings = await settingsFor(ctx);
  const weights = weightsOf(settings);
  const pair = completeWeeksBefore(ctx.clock.now(), 2) as [Week, Week];
  const grouped = byChannel(await repo.daysBetween(ctx.db, ctx.tenantId, pair[0].from, pair[1].to));
  const pauses = new Map((await listPauses(ctx)).map((p) => [p.channel, p]));
  const paused: string[] = [];
  for (const [channel, rows] of grouped) {
    const [a, b] = weekSummaries(rows, pair, weights);
    const current = pauses.get(channel);
    const state = current ? { paused: current.paused, pausedAt: current.pausedAt ? parseIsoInstant(current.pausedAt) : null } : null;
    if (pauseDecision(pair, [a!.score, b!.score], settings.pauseBelowScore, state) !== 'pause') continue;
    const shown = [displayScore(a!.score)!, displayScore(b!.score)!];
    const reason = `inventory health below ${settings.pauseBelowScore} for two consecutive weeks: ${pair[0].week} scored ${shown[0]}, ${pair[1].week} scored ${shown[1]}`;
    if (await pauseListingsIfUnchanged(ctx, channel, reason, shown, state?.pausedAt ?? null)) paused.push(channel);
  }
  return paused;
}

/** One worker round for a tenant: record the days, then apply the pause rule. */
export async function scoreTenant(ctx: RequestContext): Promise<string[]> {
  await recordRecentDays(ctx);
  return applyPauseRule(ctx);
}

export function tenantsToScore(ctx: Pick<RequestContext, 'db'>): Promise<string[]> {
  return repo.tenantsWithInventoryActivity(ctx.db);
}
