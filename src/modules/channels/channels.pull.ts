import type { Clock } from '../../platform/clock.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { errorSummary, type Logger } from '../../platform/logger.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { ingestFromChannel, type OrderSink } from './channels.ingest.ts';
import * as repo from './channels.repository.ts';
import type { ChannelConnector, TimeWindow } from './connector.ts';
import type { Marketplace } from './channels.input.ts';
import { credentialsOf } from './shops.service.ts';

export type ConnectorRegistry = (channel: Marketplace) => ChannelConnector;

export interface PullSettings {
  /** How often each shop is pulled. */
  intervalMs: number;
  /** Each pull starts this far before the cursor, so changes the platform indexed late are not missed. */
  overlapMs: number;
  /** Each pull stops this far before now: the platform's index trails its writes. */
  lagMs: number;
  /** A new shop's first pull reaches back this far. */
  initialLookbackMs: number;
  leaseMs: number;
  shopsPerRun: number;
}

export const defaultPullSettings: PullSettings = {
  intervalMs: 30_000,
  overlapMs: 5 * 60_000,
  lagMs: 5_000,
  initialLookbackMs: 24 * 60 * 60_000,
  leaseMs: 5 * 60_000,
  shopsPerRun: 20,
};

export interface PullDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  logger: Logger;
  /** Where pulled orders go. */
  sink: OrderSink;
}

export interface ShopPullReport {
  tenantId: string;
  shopId: string;
  orders: number;
  pulledTo: Date | null;
  error: string | null;
}

/** Splits a range into windows no longer than the platform allows. */
export function windowsOf(from: Date, to: Date, maxMs: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  for (let start = from.getTime(); start < to.getTime(); start += maxMs) {
    windows.push({ from: new Date(start), to: new Date(Math.min(start + maxMs, to.getTime())) });
  }
  return windows;
}

function channelActor(channel: string, shopId: string): Actor {
  return { kind: 'channel', id: `${channel}:${shopId}`, role: null };
}

/**
 * One round of incremental pulls: every shop that is due is leased, pulled window by window and
 * page by page into the order ingestion, and its cursor moved past what was read.
 */
export async function pullDueShops(deps: PullDeps, settings: PullSettings = defaultPullSettings): Promise<ShopPullReport[]> {
  const now = deps.clock.now();
  await repo.ensureCursors(deps.db, new Date(now.getTime() - settings.initialLookbackMs), now);
  const due = await repo.leaseDueCursors(deps.db, now, new Date(now.getTime() - settings.intervalMs + 1), settings.leaseMs, settings.shopsPerRun);
  const reports: ShopPullReport[] = [];
  for (const cursor of due) reports.push(await pullShop(deps, settings, cursor));
  return reports;
}

async function pullShop(deps: PullDeps, settings: PullSettings, cursor: repo.PullCursorRow): Promise<ShopPullReport> {
  const base: RequestContext = { tenantId: cursor.tenantId, actor: { kind: 'system', id: 'channel-pull', role: null }, clock: deps.clock, db: deps.db };
  let pulledTo: Date | null = null;
  let orders = 0;
  try {
    const shop = await credentialsOf(base, deps.secrets, cursor.shopId);
    const connector = deps.connectors(shop.channel);
    const ctx = { ...base, actor: channelActor(shop.channel, shop.shopId) };
    const end = new Date(deps.clock.now().getTime() - settings.lagMs);
    const start = new Date(cursor.pulledTo.getTime() - settings.overlapMs);
    for (const window of windowsOf(start, end, connector.maxWindowMs)) {
      for await (const page of connector.pullWindow(shop, window)) {
        // Submitted together, so the page goes through the pipeline in a few batches, in page order.
        const accepted = await Promise.all(page.map((order) => ingestFromChannel(ctx, deps.sink, shop, order)));
        orders += accepted.filter(Boolean).length;
      }
      pulledTo = window.to;
    }
    await repo.finishRun(deps.db, cursor.tenantId, cursor.shopId, { pulledTo, error: null, at: deps.clock.now() });
    return { tenantId: cursor.tenantId, shopId: cursor.shopId, orders, pulledTo, error: null };
  } catch (err) {
    const error = errorSummary(err);
    deps.logger.warn({ tenantId: cursor.tenantId, shopId: cursor.shopId, error }, 'channel pull failed; will retry');
    // What was read before the failure stays read; the next run resumes from there.
    await repo.finishRun(deps.db, cursor.tenantId, cursor.shopId, { pulledTo, error, at: deps.clock.now() });
    return { tenantId: cursor.tenantId, shopId: cursor.shopId, orders, pulledTo, error };
  }
}
