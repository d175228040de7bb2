import type { RequestContext } from '../../platform/context.ts';
import { judgedAt } from '../../platform/validation.ts';
import { orderInput, type OrderInput } from '../orders/orders.input.ts';
import { recordDeadLetter } from './channels.dead-letters.ts';
import type { ShopCredentials } from './shops.service.ts';

/**
 * Where normalised channel orders go: order intake, handed in by the composition root, so that
 * channels never depend on the flows that take their orders further.
 */
export type OrderSink = (ctx: RequestContext, order: OrderInput) => Promise<unknown>;

/**
 * Hands a normalised channel order to the sink, checked against the canonical schema first: an
 * order that fails it is set aside as a dead letter, so one bad order never stalls a shop.
 */
export async function ingestFromChannel(ctx: RequestContext, sink: OrderSink, shop: ShopCredentials, order: OrderInput): Promise<boolean> {
  const parsed = judgedAt(ctx.clock, () => orderInput.safeParse({ ...order, shopId: shop.shopId }));
  if (parsed.success) {
    // The schema knows nothing of the conversions the connector read the times with: they go along as read.
    await sink(ctx, order.timeConversions ? { ...parsed.data, timeConversions: order.timeConversions } : parsed.data);
    return true;
  }
  await recordDeadLetter(ctx.db, ctx.clock, {
    tenantId: shop.tenantId,
    channel: shop.channel,
    shopRef: `${shop.tenantId}.${shop.shopId}`,
    reason: 'invalid_order',
    detail: `order ${order.channelOrderId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    body: JSON.stringify(order),
  });
  return false;
}
