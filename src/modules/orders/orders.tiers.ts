import { z } from 'zod';
import { configChanged } from '../../platform/config-cache.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { defaultTiers, priorities, processBy, tierColours, type Priority, type Tier, type Tiers } from './orders.priority.ts';
import type { OrderRow } from './orders.repository.ts';
import { event } from './orders.service.ts';
import * as repo from './orders.repository.ts';

/** A tenant's priority tiers (优先级), as settings: the brief's windows until someone changes them. */
export async function tiersFor(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<Tiers> {
  const rows = await repo.tiersOf(ctx.db, ctx.tenantId);
  const tiers = { ...defaultTiers } as Record<Priority, Tier>;
  for (const r of rows) tiers[r.tier] = { windowMinutes: r.windowMinutes, colour: r.colour as Tier['colour'] };
  return tiers;
}

const tierPatch = z.object({ windowMinutes: z.number().int().min(1).max(30 * 24 * 60), colour: z.enum(tierColours) }).partial().strict();

export const tiersPatch = z
  .object(Object.fromEntries(priorities.map((p) => [p, tierPatch.optional()])) as Record<Priority, z.ZodOptional<typeof tierPatch>>)
  .strict()
  .meta({ examples: [{ urgent: { windowMinutes: 20 }, high: { windowMinutes: 90, colour: 'orange' } }] });
export type TiersPatch = z.output<typeof tiersPatch>;

/**
 * Changes the windows and colours. A more urgent tier never waits longer than a less urgent one.
 * Orders already recorded keep their deadlines; new ones and orders whose tier changes get the new windows.
 */
export async function updateTiers(ctx: RequestContext, patch: TiersPatch): Promise<Tiers> {
  const tiers = await ctx.db.transaction(async (tx) => {
    const current = await tiersFor({ db: tx, tenantId: ctx.tenantId });
    const next = Object.fromEntries(priorities.map((p) => [p, { ...current[p], ...patch[p] }])) as Record<Priority, Tier>;
    if (!(next.urgent.windowMinutes <= next.high.windowMinutes && next.high.windowMinutes <= next.normal.windowMinutes)) {
      throw new AppError('VALIDATION_FAILED', 'an urgent order may not wait longer than a high one, nor a high one longer than a normal one', [
        { path: 'windowMinutes', message: `urgent ${next.urgent.windowMinutes} ≤ high ${next.high.windowMinutes} ≤ normal ${next.normal.windowMinutes} does not hold` },
      ]);
    }
    const at = ctx.clock.now();
    await repo.upsertTiers(tx, priorities.map((tier) => ({ tenantId: ctx.tenantId, tier, ...next[tier], updatedAt: at })));
    return next;
  });
  configChanged(ctx.tenantId);
  return tiers;
}

/**
 * A person sets the order's tier (优先级): its deadline follows from the tenant's window for it,
 * and from then on rules and channel news leave the tier alone.
 */
export async function setPriority(ctx: RequestContext, orderId: string, priority: Priority, reason: string | undefined): Promise<OrderRow> {
  const tiers = await tiersFor(ctx);
  return ctx.db.transaction(async (tx) => {
    const [order] = await repo.lockByIds(tx, ctx.tenantId, [orderId]);
    if (!order) throw new AppError('ORDER_NOT_FOUND', `order ${orderId} not found`);
    const deadline = processBy(priority, order.paidAt ?? order.orderedAt, tiers);
    const updated = await repo.update(tx, ctx.tenantId, orderId, { priority, processBy: deadline, prioritySetBy: `${ctx.actor.kind}:${ctx.actor.id}`, updatedAt: ctx.clock.now() });
    await event(tx, ctx, orderId, { type: 'priority_changed', reason, data: { from: order.priority, to: priority, processBy: deadline.toISOString() } });
    return updated;
  });
}
