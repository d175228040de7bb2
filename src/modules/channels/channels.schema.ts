import { boolean, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A tenant's store on one marketplace, with the credentials its connector signs with. */
export const shops = pgTable(
  'shops',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    channel: text('channel').notNull(),
    name: text('name').notNull(),
    /** The marketplace's own id for the shop (Douyin shop_id, Taobao seller nick, ...). */
    channelShopId: text('channel_shop_id').notNull(),
    appKey: text('app_key').notNull(),
    /** Sealed with the deployment's secret key; never returned by the API. */
    appSecretSealed: text('app_secret_sealed').notNull(),
    accessTokenSealed: text('access_token_sealed'),
    refreshTokenSealed: text('refresh_token_sealed'),
    /** Where the connector sends requests; the platform's production gateway unless overridden (sandboxes). */
    apiBaseUrl: text('api_base_url'),
    active: boolean('active').notNull().default(true),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('shops_channel_shop_key').on(t.tenantId, t.channel, t.channelShopId),
  ],
);

/** How far each shop's incremental pull has got: every change modified before `pulledTo` is in. */
export const pullCursors = pgTable(
  'channel_pull_cursors',
  {
    tenantId: text('tenant_id').notNull(),
    shopId: text('shop_id').notNull(),
    pulledTo: instant('pulled_to').notNull(),
    /** A worker holds the cursor until this instant; no lock is held while it calls the platform. */
    leaseUntil: instant('lease_until'),
    lastRunAt: instant('last_run_at'),
    lastError: text('last_error'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.shopId] })],
);

/** Push messages already handled, by the platform's message id, so a redelivery costs nothing. */
export const receivedMessages = pgTable(
  'channel_received_messages',
  {
    tenantId: text('tenant_id').notNull(),
    shopId: text('shop_id').notNull(),
    messageId: text('message_id').notNull(),
    receivedAt: instant('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.shopId, t.messageId] })],
);

/**
 * Channel messages that were refused (bad signature, malformed, unknown shop, invalid order), kept
 * for inspection. Only their shape is kept — never a secret or a receiver's personal data.
 */
export const deadLetters = pgTable(
  'channel_dead_letters',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    channel: text('channel').notNull(),
    shopRef: text('shop_ref').notNull(),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    bodySha256: text('body_sha256').notNull(),
    bodyBytes: integer('body_bytes').notNull(),
    receivedAt: instant('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Unauthenticated webhook posts (no valid signature, a stale one, an unknown shop) counted per
 * tenant, channel and reason in hourly windows. Only the first few of a window leave a dead letter:
 * a flood costs one counter update per post, never a row per post for ever.
 */
export const webhookRefusals = pgTable(
  'channel_webhook_refusals',
  {
    tenantId: text('tenant_id').notNull(),
    windowStart: instant('window_start').notNull(),
    channel: text('channel').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.windowStart, t.channel, t.reason] })],
);
