import { boolean, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
