import { z } from 'zod';
import { str } from '../../platform/validation.ts';
import { warehouseCode } from '../warehouses/warehouses.input.ts';
import { sku } from './inventory.input.ts';

const shopId = str().min(1).max(40);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const cursor = z.string().max(300).optional().describe('page: the nextCursor of the previous page');
const limit = z.coerce.number().int().min(1).max(500).default(100);
/** A SKU that can carry its own rule: `*` names the shop's rule and is not a SKU here. */
const ruleSku = sku.refine((s) => s !== '*', '"*" is the shop’s rule: use the route without a SKU');

export const listingCreate = z
  .object({ shopId, sku })
  .strict()
  .meta({ examples: [{ shopId: 'dy-live', sku: 'CUP500-BL' }] });

export const listingsQuery = z.object({
  shopId: shopId.optional(),
  sku: sku.optional(),
  active: flag.optional(),
  cursor,
  limit,
});

export const listingParams = z.object({ shopId, sku });

const units = z.number().int().min(0).max(10_000_000);

export const stockRuleExample = { percent: 80, plus: 0, minQty: null, maxQty: 500, warehouseCodes: ['HZ01'], fixedQuota: null } as const;

/**
 * A whole rule: what is left out takes its default, so a PUT replaces the rule. Quantity =
 * floor(available × percent / 100 + plus) clamped to [minQty, maxQty] and never above available,
 * or `fixedQuota` (never above available) when set; zero for every shop once available is at or
 * below the safety stock.
 */
export const stockRuleInput = z
  .object({
    percent: z.number().int().min(0).max(100).default(100).describe('share of the available units, 0–100'),
    plus: z.number().int().min(-10_000_000).max(10_000_000).default(0).describe('units added after the share; negative holds some back'),
    minQty: units.nullable().default(null).describe('never tell the shop less than this (still never more than available)'),
    maxQty: units.nullable().default(null).describe('never tell the shop more than this'),
    warehouseCodes: z
      .array(warehouseCode)
      .min(1)
      .max(50)
      .refine((codes) => new Set(codes).size === codes.length, 'list each warehouse once')
      .nullable()
      .default(null)
      .describe('warehouses whose stock this shop sells; null: every active warehouse'),
    fixedQuota: units.nullable().default(null).describe('a fixed quota instead of the share; percent, plus, minQty and maxQty are then not used'),
  })
  .strict()
  .refine((r) => r.minQty === null || r.maxQty === null || r.minQty <= r.maxQty, { message: 'minQty must not exceed maxQty', path: ['minQty'] })
  .meta({ examples: [stockRuleExample] });
export type StockRuleInput = z.output<typeof stockRuleInput>;

export const shopRuleParams = z.object({ shopId });
export const skuRuleParams = z.object({ shopId, sku: ruleSku });

export const pushesQuery = z.object({
  shopId: shopId.optional(),
  sku: sku.optional(),
  failing: flag.optional().describe('true: only pushes failing now; false: only those that are not'),
  cursor,
  limit,
});

export const quantitiesQuery = z.object({ sku });
