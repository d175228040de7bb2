import { z } from 'zod';
import type { RequestContext } from '../../platform/context.ts';
import * as repo from './inventory.repository.ts';
import type { ReservationTtl } from './inventory.schema.ts';
import type { SettingsRow } from './inventory.repository.ts';
import { configChanged } from '../../platform/config-cache.ts';

export const shortagePolicies = ['exception', 'backorder'] as const;

const ttlSeconds = z.number().int().min(60).max(90 * 86_400).nullable();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

export const settingsPatch = z
  .object({
    shortagePolicy: z.enum(shortagePolicies).describe('exception: an unfillable order stops as out_of_stock; backorder: it waits for stock'),
    reservationTtl: z
      .record(z.string().regex(/^(\*|[a-z]+)$/), z.object({ unpaid: ttlSeconds.optional(), paid: ttlSeconds.optional() }).strict())
      .refine((ttl) => ttl['*'] !== undefined, 'must keep a "*" entry: the lifetime for every channel without its own')
      .describe('seconds a reservation lives, per channel ("*" for the rest) and order state; null holds until shipped'),
    pushSlaSeconds: z.number().int().min(10).max(86_400),
    reconcileAt: hhmm.describe('local time in each warehouse’s zone'),
    reconcileThresholdBp: z.number().int().min(1).max(10_000).describe('basis points: 300 = 3%'),
    scoreWeightAccuracy: z.number().int().min(0).max(100),
    scoreWeightOversell: z.number().int().min(0).max(100),
    pauseBelowScore: z.number().int().min(0).max(100),
  })
  .partial()
  .strict()
  .meta({ examples: [{ shortagePolicy: 'backorder', reservationTtl: { '*': { unpaid: 1800, paid: null }, douyin: { unpaid: 900 } } }] });
export type SettingsPatch = z.output<typeof settingsPatch>;

export interface InventorySettings {
  shortagePolicy: (typeof shortagePolicies)[number];
  reservationTtl: ReservationTtl;
  pushSlaSeconds: number;
  reconcileAt: string;
  reconcileThresholdBp: number;
  scoreWeightAccuracy: number;
  scoreWeightOversell: number;
  pauseBelowScore: number;
}

export const defaultSettings: InventorySettings = {
  shortagePolicy: 'exception',
  reservationTtl: { '*': { unpaid: 1800, paid: null } },
  pushSlaSeconds: 300,
  reconcileAt: '02:00',
  reconcileThresholdBp: 300,
  scoreWeightAccuracy: 70,
  scoreWeightOversell: 30,
  pauseBelowScore: 70,
};

function fromRow(row: SettingsRow | null): InventorySettings {
  if (!row) return defaultSettings;
  return {
    shortagePolicy: row.shortagePolicy as InventorySettings['shortagePolicy'],
    reservationTtl: row.reservationTtl,
    pushSlaSeconds: row.pushSlaSeconds,
    reconcileAt: row.reconcileAt,
    reconcileThresholdBp: row.reconcileThresholdBp,
    scoreWeightAccuracy: row.scoreWeightAccuracy,
    scoreWeightOversell: row.scoreWeightOversell,
    pauseBelowScore: row.pauseBelowScore,
  };
}

export async function settingsFor(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<InventorySettings> {
  return fromRow(await repo.findSettings(ctx.db, ctx.tenantId));
}

export async function updateSettings(ctx: RequestContext, patch: SettingsPatch): Promise<InventorySettings> {
  const settings = await ctx.db.transaction(async (tx) => {
    const current = fromRow(await repo.findSettings(tx, ctx.tenantId));
    const row = await repo.upsertSettings(tx, { ...current, ...patch, tenantId: ctx.tenantId, updatedAt: ctx.clock.now() });
    return fromRow(row);
  });
  configChanged(ctx.tenantId);
  return settings;
}

/** Seconds a reservation of this channel's order lives; the channel's own entry first, then "*". */
export function reservationTtlSeconds(settings: InventorySettings, channel: string, paid: boolean): number | null {
  const state = paid ? 'paid' : 'unpaid';
  const own = settings.reservationTtl[channel]?.[state];
  if (own !== undefined) return own;
  return settings.reservationTtl['*']?.[state] ?? null;
}
