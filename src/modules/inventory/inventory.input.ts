import { z } from 'zod';
import { text } from '../../platform/validation.ts';
import { warehouseCode } from '../warehouses/warehouses.input.ts';

export const sku = z.string().regex(/^[^\u0000\s][^\u0000]{0,63}$/, 'a SKU code of 1–64 characters, not starting with a space');
const units = z.number().int().min(1).max(10_000_000);

export const receiptExample = {
  warehouseCode: 'HZ01',
  reference: 'ASN-20261111-001',
  lines: [{ sku: 'SOFA-3S-GREY', quantity: 100 }, { sku: 'LAMP-01', quantity: 40 }],
} as const;

export const receiptInput = z
  .object({
    warehouseCode,
    reference: text(64).optional().describe('the receiving note, ASN or WMS document number'),
    reason: text(200).default('goods received'),
    lines: z.array(z.object({ sku, quantity: units })).min(1).max(500),
  })
  .meta({ examples: [receiptExample] });

export const adjustmentInput = z
  .object({
    warehouseCode,
    sku,
    delta: z.number().int().min(-10_000_000).max(10_000_000).refine((d) => d !== 0, 'must not be zero'),
    reason: text(200),
    reference: text(64).optional(),
  })
  .meta({ examples: [{ warehouseCode: 'HZ01', sku: 'SOFA-3S-GREY', delta: -2, reason: 'damaged in storage', reference: 'QC-0042' }] });

export const safetyStockInput = z
  .object({
    safetyStock: z.number().int().min(0).max(10_000_000),
    warehouseCode: warehouseCode.optional().describe('set only this warehouse’s figure, overriding the SKU’s'),
  })
  .meta({ examples: [{ safetyStock: 5 }] });

export const skuParams = z.object({ sku });

export const levelsQuery = z.object({
  sku: sku.optional(),
  warehouseCode: warehouseCode.optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const beforeId = z.string().regex(/^\d{1,18}$/).transform(Number).optional().describe('page: the nextBefore of the previous page');

export const movementsQuery = z.object({
  sku: sku.optional(),
  warehouseCode: warehouseCode.optional(),
  kind: z.enum(['receipt', 'adjustment', 'reservation', 'release', 'shipment', 'count_correction', 'wms_report']).optional(),
  reference: z.string().max(64).optional(),
  before: beforeId,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const reservationsQuery = z.object({
  sku: sku.optional(),
  warehouseCode: warehouseCode.optional(),
  status: z.enum(['active', 'released', 'expired', 'shipped']).optional(),
  orderId: z.string().max(64).optional(),
  before: beforeId,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
