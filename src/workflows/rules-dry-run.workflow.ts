import type { RequestContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { liveDeliveriesOf } from '../modules/fulfillment/delivery-orders.service.ts';
import { placeReceiver } from '../modules/orders/orders.address.ts';
import type { OrderInput } from '../modules/orders/orders.input.ts';
import { ordersWithLines } from '../modules/orders/orders.service.ts';
import { dryRun, type DraftRule } from '../modules/rules/rules.service.ts';
import { subjectOfInput, subjectOfOrder } from './steps/order-rules.ts';

/** What a dry run is asked to run against: an order as it would arrive, or one stored (with the warehouses it went to). */
export interface RuleTestRequest {
  orderId?: string;
  order?: OrderInput;
  /** The routed warehouses to assume, for rules that test them. */
  warehouses?: string[];
  draft?: DraftRule;
}

/** The rules' dry run (POST /api/v1/rules/test): the order's facts from the orders and delivery orders, the run from the rules. */
export async function testRules(ctx: RequestContext, request: RuleTestRequest) {
  if (!!request.orderId === !!request.order) {
    throw new AppError('VALIDATION_FAILED', 'give either orderId (a stored order) or order (one as it would arrive)', [{ path: 'orderId', message: 'one of orderId, order' }]);
  }
  if (request.order) {
    return dryRun(ctx, subjectOfInput(request.order, placeReceiver(request.order.receiver), request.warehouses), request.draft);
  }
  const stored = (await ordersWithLines(ctx, [request.orderId!])).get(request.orderId!);
  if (!stored) throw new AppError('ORDER_NOT_FOUND', `order ${request.orderId} not found`);
  const warehouses = request.warehouses ?? [...new Set(((await liveDeliveriesOf(ctx, [request.orderId!])).get(request.orderId!) ?? []).map((d) => d.warehouseCode))];
  return { orderId: request.orderId, ...(await dryRun(ctx, subjectOfOrder(stored.order, stored.lines, warehouses), request.draft)) };
}
