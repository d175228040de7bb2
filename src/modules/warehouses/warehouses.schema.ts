import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A place stock is kept and shipped from (仓库). */
export const warehouses = pgTable(
  'warehouses',
  {
    tenantId: text('tenant_id').notNull(),
    /** The merchant's own code, also the WMS's warehouseCode. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** IANA zone the warehouse works in: its daily jobs and cut-off run on this clock. */
    timeZone: text('time_zone').notNull(),
    /** ISO 3166-1 country and ISO 3166-2 region it stands in: its zone and cut-off come from the region pack unless set. */
    country: text('country'),
    region: text('region'),
    /** The business calendar its work days follow; null works every day. */
    calendarCode: text('calendar_code'),
    /** Lower is preferred when nothing else decides. */
    priority: integer('priority').notNull().default(100),
    active: boolean('active').notNull().default(true),
    /** Stands in for routing: where orders are reserved when no strategy picks another. */
    isDefault: boolean('is_default').notNull().default(false),
    /** Where it stands, for distances to receivers: the division code of its city and the city's coordinates. */
    divisionCode: text('division_code'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /** Regions served: ISO country codes (US) or national division codes (330000 a province, 330100 a city); empty serves everywhere. */
    coverage: text('coverage').array().notNull().default(sql`'{}'::text[]`),
    /** Channels it ships for; empty ships for all. */
    channels: text('channels').array().notNull().default(sql`'{}'::text[]`),
    /** SKUs it never ships (not stocked here, hazardous, oversized). */
    excludedSkus: text('excluded_skus').array().notNull().default(sql`'{}'::text[]`),
    /** Delivery orders it takes per work day; null is unlimited. */
    dailyCapacity: integer('daily_capacity'),
    /** Local HH:MM after which a new delivery order counts toward the next work day. */
    cutOff: text('cut_off'),
    /** qimen or json; null when the warehouse has no WMS link (its delivery orders are handled by hand). */
    wmsProtocol: text('wms_protocol'),
    wmsUrl: text('wms_url'),
    wmsAppKey: text('wms_app_key'),
    /** Sealed with the deployment's secret box; never returned. */
    wmsAppSecretSealed: text('wms_app_secret_sealed'),
    /** Qimen owner (货主) id. */
    wmsCustomerId: text('wms_customer_id'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.code] }),
    uniqueIndex('warehouses_one_default').on(t.tenantId).where(sql`${t.isDefault}`),
  ],
);
