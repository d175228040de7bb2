import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './listing-pauses.repository.ts';
import type { ListingPauseRow } from './listing-pauses.repository.ts';

/** 暂停上新: a platform whose inventory health stayed too low may not take new listings. */
export function pauseView(row: ListingPauseRow) {
  return {
    channel: row.channel,
    paused: row.paused,
    reason: row.reason,
    pausedAt: row.pausedAt?.toISOString() ?? null,
    weeklyScores: row.weeklyScores ?? null,
    clearedAt: row.clearedAt?.toISOString() ?? null,
    clearedBy: row.clearedBy,
  };
}

export async function isListingPaused(ctx: Pick<RequestContext, 'db' | 'tenantId'>, channel: string): Promise<boolean> {
  return (await repo.find(ctx.db, ctx.tenantId, channel))?.paused ?? false;
}

/** Throws LISTING_PAUSED when the platform's new listings are paused. */
export async function assertListingAllowed(ctx: Pick<RequestContext, 'db' | 'tenantId'>, channel: string): Promise<void> {
  const pause = await repo.find(ctx.db, ctx.tenantId, channel);
  if (pause?.paused) {
    throw new AppError('LISTING_PAUSED', `new ${channel} listings are paused: ${pause.reason ?? 'inventory health below the threshold'}; an admin can clear the pause`, pauseView(pause));
  }
}

export async function pauseListings(ctx: RequestContext, channel: string, reason: string, weeklyScores: number[]) {
  return pauseView(await repo.upsert(ctx.db, {
    tenantId: ctx.tenantId, channel, paused: true, reason, pausedAt: ctx.clock.now(), weeklyScores, clearedAt: null, clearedBy: null,
  }));
}

/**
 * The pause rule's pause: applied only if the channel's pause is as the rule saw it (not paused,
 * last paused at `lastPausedAt`); null when another process or an admin changed it meanwhile.
 */
export async function pauseListingsIfUnchanged(ctx: RequestContext, channel: string, reason: string, weeklyScores: number[], lastPausedAt: Date | null) {
  const row = await repo.pauseIfUnchanged(ctx.db, {
    tenantId: ctx.tenantId, channel, paused: true, reason, pausedAt: ctx.clock.now(), weeklyScores, clearedAt: null, clearedBy: null,
  }, lastPausedAt);
  return row ? pauseView(row) : null;
}

export async function clearListingPause(ctx: RequestContext, channel: string) {
  const current = await repo.find(ctx.db, ctx.tenantId, channel);
  if (!current?.paused) throw new AppError('NOT_FOUND', `${channel} listings are not paused`);
  return pauseView(await repo.upsert(ctx.db, { ...current, paused: false, clearedAt: ctx.clock.now(), clearedBy: ctx.actor.id }));
}

export async function listPauses(ctx: RequestContext) {
  return (await repo.list(ctx.db, ctx.tenantId)).map(pauseView);
}
