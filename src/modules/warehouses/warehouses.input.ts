import { z } from 'zod';
import { isHhmm } from '../../platform/time/wall-clock.ts';
import { str, text } from '../../platform/validation.ts';
import { divisionByCode } from '../addresses/divisions.ts';
import { channels } from '../channels/channels.input.ts';
import { calendarCode, country, region as subdivision, timeZone } from '../time/time.input.ts';

export const warehouseCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, _ and -, at most 40');


const divisionCode = z.string().regex(/^\d{6}$/, 'a six-digit national division code').refine((c) => divisionByCode(c) !== null, 'no such division code');
const region = z.union([z.string().regex(/^[A-Z]{2}$/, 'an ISO country code'), divisionCode]);

const hhmm = z.string().refine(isHhmm, 'HH:MM, 24-hour');

const location = z
  .object({
    divisionCode: divisionCode.optional().describe('its city; gives the coordinates when they are not given'),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  })
  .strict()
  .refine((l) => (l.latitude === undefined) === (l.longitude === undefined), 'latitude and longitude go together')
  .refine((l) => l.divisionCode !== undefined || l.latitude !== undefined, 'a division code or coordinates');

const wms = z
  .object({
    protocol: z.enum(['qimen', 'json']),
    url: z.url({ protocol: /^https?$/ }).max(500),
    appKey: text(100),
    appSecret: str().min(1).max(200),
    customerId: text(100).optional().describe('Qimen owner (货主) id'),
  })
  .strict()
  .refine((w) => w.protocol !== 'qimen' || w.customerId !== undefined, 'a Qimen link needs the owner id (customerId)');

/** What a warehouse is, beyond its code: where it stands, what it serves, how much, and its WMS link. */
const attributes = {
  name: text(100),
  timeZone: timeZone.describe('IANA zone it works in; from the region pack of its country and region when not given'),
  country: country.nullable().describe('ISO 3166-1 alpha-2 country it stands in'),
  region: subdivision.nullable().describe('ISO 3166-2 subdivision (NY, NSW, CMX): picks the zone in countries with several'),
  calendar: calendarCode.nullable().describe('the business calendar its work days follow (GET /api/v1/calendars); null works every day'),
  priority: z.number().int().min(0).max(10_000),
  active: z.boolean(),
  location: location.nullable(),
  coverage: z.array(region).max(500).describe('ISO country codes or division codes it serves; empty serves everywhere'),
  channels: z.array(z.enum(channels)).max(10).describe('channels it ships for; empty ships for all'),
  excludedSkus: z.array(text(64)).max(1000).describe('SKUs it never ships'),
  dailyCapacity: z.number().int().min(0).max(10_000_000).nullable().describe('delivery orders per work day; null is unlimited'),
  cutOff: hhmm.nullable().describe('local time after which a new delivery order counts toward the next working day; when left out on creation, the region pack\'s carrier cut-off for its country'),
  wms: wms.nullable().describe('its WMS link; the secret is encrypted and never returned; null handles its delivery orders by hand'),
};

export const warehouseCreateExample = {
  code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', priority: 10, isDefault: true,
  location: { divisionCode: '330100' }, coverage: ['310000', '320000', '330000', '340000'], dailyCapacity: 20000, cutOff: '16:00',
  wms: { protocol: 'qimen', url: 'https://wms.example.com/router/qimen/service', appKey: 'oms-app', appSecret: 'secret', customerId: 'OWNER01' },
} as const;

export const warehouseCreate = z
  .object({
    code: warehouseCode,
    name: attributes.name,
    timeZone: attributes.timeZone.optional(),
    country: attributes.country.default(null),
    region: attributes.region.default(null),
    calendar: attributes.calendar.default(null),
    priority: attributes.priority.default(100),
    active: z.boolean().default(true),
    isDefault: z.boolean().default(false),
    location: attributes.location.default(null),
    coverage: attributes.coverage.default([]),
    channels: attributes.channels.default([]),
    excludedSkus: attributes.excludedSkus.default([]),
    dailyCapacity: attributes.dailyCapacity.default(null),
    cutOff: attributes.cutOff.optional(),
    wms: attributes.wms.default(null),
  })
  .refine((w) => w.timeZone !== undefined || w.country !== null, { path: ['timeZone'], message: 'a time zone, or a country whose region pack gives one' })
  .meta({ examples: [warehouseCreateExample, { code: 'US-LA1', name: 'Los Angeles', country: 'US', region: 'CA', coverage: ['US'] }] });
export type WarehouseCreate = z.output<typeof warehouseCreate>;
export type WarehouseCreateInput = z.input<typeof warehouseCreate>;

export const warehousePatch = z
  .object({
    ...attributes,
    isDefault: z.literal(true).describe('makes this the default warehouse; the previous default stops being one'),
  })
  .partial()
  .meta({ examples: [{ priority: 20, active: true }] });
export type WarehousePatch = z.output<typeof warehousePatch>;

export const warehouseParams = z.object({ code: warehouseCode });
