import { boolean, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** How a tenant's orders are routed to warehouses. */
export const routingSettings = pgTable('routing_settings', {
  tenantId: text('tenant_id').primaryKey(),
  /** The strategy for every channel without its own (see routing.strategy). */
  strategy: text('strategy').notNull().default('nearest'),
  /** Per-channel strategies, e.g. { "douyin": "nearest_balance" }. */
  channelStrategies: jsonb('channel_strategies').$type<Record<string, string>>().notNull().default({}),
  /** Whether an order no warehouse can fill alone may be split across several. */
  allowSplit: boolean('allow_split').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});
