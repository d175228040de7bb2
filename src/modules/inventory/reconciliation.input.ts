import { z } from 'zod';
import { instant, text } from '../../platform/validation.ts';
import { warehouseCode } from '../warehouses/warehouses.input.ts';
import { sku } from './inventory.input.ts';

const quantity = z.number().int().min(0).max(10_000_000);

export const snapshotInput = z
  .object({
    source: z.enum(['wms_query', 'stock_report']).default('stock_report').describe('how the WMS gave the figures: an inventory query or a stock report'),
    takenAt: instant().optional().describe('when the stock was counted; defaults to now'),
    lines: z.array(z.object({ sku, quantity })).min(1).max(50_000).describe('a SKU listed more than once is summed (one line per bin or batch)'),
  })
  .meta({
    examples: [{ source: 'stock_report', takenAt: '2026-11-11T01:30:00+08:00', lines: [{ sku: 'SOFA-3S-GREY', quantity: 97 }, { sku: 'LAMP-01', quantity: 40 }] }],
  });

export const csvQuery = z.object({
  takenAt: instant().optional().describe('when the stock was counted; defaults to now'),
});

/** The raw text of a `text/csv` upload. */
export const csvBody = z
  .string()
  .describe('header "sku,quantity", then one row per SKU; UTF-8, BOM and CRLF accepted')
  .meta({ examples: ['sku,quantity\r\nSOFA-3S-GREY,97\r\nLAMP-01,40\r\n'] });

export const taskParams = z.object({ id: z.string().min(1).max(64) });

export const tasksQuery = z.object({
  status: z.enum(['open', 'completed', 'cancelled']).optional(),
  warehouseCode: warehouseCode.optional(),
  sku: sku.optional(),
  runId: z.string().regex(/^\d{1,18}$/).transform(Number).optional(),
  before: z.string().max(64).optional().describe('page: the nextBefore of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const taskOpenInput = z
  .object({
    warehouseCode,
    sku,
    physicalQty: quantity.optional().describe('what was seen on the shelf, if known'),
    note: text(500).optional(),
  })
  .meta({ examples: [{ warehouseCode: 'HZ01', sku: 'SOFA-3S-GREY', physicalQty: 95, note: 'shelf B-12 looks short' }] });

export const taskCompleteInput = z
  .object({
    countedQty: quantity.describe('units found by the count; the book is set to this'),
    note: text(500).optional(),
  })
  .meta({ examples: [{ countedQty: 96, note: 'recounted by two people; one sofa damaged and written off earlier' }] });

/** The body may be left out entirely: cancelling needs no more than the task's id. */
export const taskCancelInput = z
  .object({ note: text(500).optional() })
  .nullish()
  .meta({ examples: [{ note: 'difference explained: goods in transit between bins' }] });

export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(366).default(30) });
