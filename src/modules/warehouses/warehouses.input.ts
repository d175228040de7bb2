import { z } from 'zod';
import { text } from '../../platform/validation.ts';

export const warehouseCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, _ and -, at most 40');

/** An IANA zone name the runtime knows, e.g. Asia/Shanghai or America/Los_Angeles. */
export const timeZone = z.string().max(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

export const warehouseCreateExample = { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', priority: 10, isDefault: true } as const;

export const warehouseCreate = z
  .object({
    code: warehouseCode,
    name: text(100),
    timeZone,
    priority: z.number().int().min(0).max(10_000).default(100),
    active: z.boolean().default(true),
    isDefault: z.boolean().default(false),
  })
  .meta({ examples: [warehouseCreateExample] });
export type WarehouseCreate = z.output<typeof warehouseCreate>;

export const warehousePatch = z
  .object({
    name: text(100),
    timeZone,
    priority: z.number().int().min(0).max(10_000),
    active: z.boolean(),
    isDefault: z.literal(true).describe('makes this the default warehouse; the previous default stops being one'),
  })
  .partial()
  .meta({ examples: [{ priority: 20, active: true }] });
export type WarehousePatch = z.output<typeof warehousePatch>;

export const warehouseParams = z.object({ code: warehouseCode });
