import { z } from 'zod';
import { str, text } from '../../platform/validation.ts';
import { deliveryStatuses } from './delivery-orders.lifecycle.ts';

export const deliveryCodeParams = z.object({ code: str().min(1).max(80) });

export const manualShipment = z
  .object({ carrier: text(40).describe('carrier code, e.g. SF or ZTO'), trackingNo: text(64) })
  .strict()
  .meta({ examples: [{ carrier: 'SF', trackingNo: 'SF1234567890' }] });
export type ManualShipment = z.infer<typeof manualShipment>;

export const deliveryQuery = z.object({
  status: z.enum(deliveryStatuses).optional().describe('e.g. failed or rejected: the pushes that need a person'),
  orderId: str().max(64).optional(),
  warehouseCode: str().max(40).optional(),
  before: str().max(80).optional().describe('the nextBefore of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const alertFilters = {
  status: z.enum(['open', 'acknowledged']).default('open').describe('open (the default) or acknowledged'),
  warehouseCode: str().max(40).optional(),
  orderId: str().max(64).optional(),
};

export const alertQuery = z.object({
  kind: str().max(64).optional().describe('e.g. push_failed, push_failing, wms_rejected, wms_message_conflict'),
  ...alertFilters,
  cursor: str().max(200).optional().describe('the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const alertCountQuery = z.object(alertFilters);

export const alertParams = z.object({ id: str().min(1).max(64) });
