import { z } from 'zod';
import { configChanged } from '../../platform/config-cache.ts';
import type { RequestContext } from '../../platform/context.ts';
import { channels } from '../channels/channels.input.ts';
import * as repo from './routing.repository.ts';
import { strategies, strategyNames, type RoutingStrategy } from './routing.strategy.ts';

export interface RoutingSettings {
  strategy: string;
  channelStrategies: Partial<Record<string, string>>;
  allowSplit: boolean;
}

export const defaultRoutingSettings: RoutingSettings = { strategy: 'nearest', channelStrategies: {}, allowSplit: true };

export const routingSettingsPatch = z
  .object({
    strategy: z.enum(strategyNames).describe(Object.values(strategies).map((s) => `${s.name}: ${s.description}`).join('; ')),
    channelStrategies: z.partialRecord(z.enum(channels), z.enum(strategyNames)).describe('a strategy per channel, over the tenant’s own'),
    allowSplit: z.boolean().describe('whether an order no warehouse can fill alone may be split across the fewest warehouses that can'),
  })
  .partial()
  .strict()
  .meta({ examples: [{ strategy: 'nearest', channelStrategies: { douyin: 'nearest_balance' }, allowSplit: false }] });
export type RoutingSettingsPatch = z.output<typeof routingSettingsPatch>;

function fromRow(row: repo.RoutingSettingsRow | null): RoutingSettings {
  if (!row) return defaultRoutingSettings;
  return { strategy: row.strategy, channelStrategies: row.channelStrategies, allowSplit: row.allowSplit };
}

export async function routingSettingsFor(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<RoutingSettings> {
  return fromRow(await repo.findSettings(ctx.db, ctx.tenantId));
}

export async function updateRoutingSettings(ctx: RequestContext, patch: RoutingSettingsPatch): Promise<RoutingSettings> {
  const settings = await ctx.db.transaction(async (tx) => {
    const current = fromRow(await repo.findSettings(tx, ctx.tenantId));
    const next = { ...current, ...patch } as RoutingSettings;
    return fromRow(await repo.upsertSettings(tx, { tenantId: ctx.tenantId, ...next, channelStrategies: next.channelStrategies as Record<string, string>, updatedAt: ctx.clock.now() }));
  });
  configChanged(ctx.tenantId);
  return settings;
}

/** The strategy for a channel's orders: the channel's own, else the tenant's. */
export function strategyFor(settings: RoutingSettings, channel: string): RoutingStrategy {
  return strategies[settings.channelStrategies[channel] ?? settings.strategy] ?? strategies.nearest!;
}
