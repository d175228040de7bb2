import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { csvOf, instant } from '../../platform/validation.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { IngestResult } from './orders.ingest.ts';
import { orderIdParams as idParams, orderInput, receiverCorrection, transitionInput, type OrderInput, type ReceiverCorrection, type TransitionInput } from './orders.input.ts';
import { orderStatuses } from './orders.lifecycle.ts';
import { priorities } from './orders.priority.ts';
import * as orders from './orders.service.ts';
import { orderView } from './orders.view.ts';

/**
 * What the order routes ask of the flows that span modules (intake, people's actions); the
 * composition root hands them in, so this module never depends on a workflow.
 */
export interface OrderFlows {
  submit(ctx: RequestContext, input: OrderInput): Promise<IngestResult>;
  changeStatus(ctx: RequestContext, orderId: string, request: TransitionInput): Promise<orders.OrderRow>;
  correctReceiver(ctx: RequestContext, orderId: string, receiver: ReceiverCorrection): Promise<orders.OrderRow>;
}


const listQuery = z.object({
  status: csvOf(orderStatuses).optional().describe('one status or several, comma-separated'),
  channel: z.string().max(32).optional(),
  shopId: z.string().max(64).optional(),
  channelOrderId: z.string().min(1).max(64).optional().describe('the channel\'s own order id, exactly; finds it in every shop and channel'),
  priority: z.enum(priorities).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only orders past their processing deadline that no warehouse has accepted yet (paid up to pushed, or stopped)'),
  createdFrom: instant().optional(),
  createdTo: instant().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function orderRoutes(app: Api, flows: OrderFlows): void {
  app.post('/api/v1/orders', {
    schema: {
      tags: ['orders'],
      summary: 'Ingest a canonical order (idempotent on channel, shop and channel order id) and reserve its stock',
      description:
        '201 when the order is new; 200 with the same order when it was seen before (updated if the message is newer). ' +
        'A paid order comes back `routed` when its stock is reserved and its delivery orders are owed to the warehouses\' WMSs (`allocated` at a warehouse without a WMS link), ' +
        'or `exception` with statusReason `out_of_stock` when it cannot be filled (`unknown_sku` when a SKU is in no warehouse’s book, `no_warehouse` when no warehouse may take it) ' +
        '(or `on_hold` with statusReason `address_unresolved`, taking no stock, when a Chinese address cannot be placed; see PUT /api/v1/orders/{id}/receiver) ' +
        '(or stays `paid` as a backorder, by tenant setting). Tenants without warehouses keep no stock here: orders stay as sent.',
      body: orderInput,
    },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    const result = await flows.submit(ctx, req.body);
    app.metrics.ordersIngested.inc({ channel: req.body.channel, outcome: result.outcome });
    return reply.code(result.created ? 201 : 200).send(orderView(result.order, ctx.actor.role));
  });

  app.get('/api/v1/orders', {
    schema: { tags: ['orders'], summary: 'List orders, newest first, with filters and cursor pagination', querystring: listQuery },
  }, async (req) => {
    const ctx = ctxFor(req, ...allRoles);
    return orders.listOrders(ctx, req.query);
  });

  app.get('/api/v1/orders/:id', {
    schema: { tags: ['orders'], summary: 'One order with its lines and event timeline', params: idParams },
  }, async (req) => {
    const ctx = ctxFor(req, ...allRoles);
    return orders.getOrder(ctx, req.params.id);
  });

  app.post('/api/v1/orders/:id/transitions', {
    schema: {
      tags: ['orders'],
      summary: 'Move an order to another status by hand (hold, release, cancel, close), as the role allows',
      description: 'Cancelling gives the order’s reserved stock back; releasing an order to paid reserves its stock at once.',
      params: idParams,
      body: transitionInput,
    },
  }, async (req) => {
    const ctx = ctxFor(req, ...allRoles);
    const order = await flows.changeStatus(ctx, req.params.id, req.body);
    return orderView(order, ctx.actor.role);
  });

  app.put('/api/v1/orders/:id/receiver', {
    schema: {
      tags: ['orders'],
      summary: 'Correct an order’s receiver before it goes to a warehouse',
      description:
        'A Chinese address is placed in national divisions (province, city, district codes); one that still cannot be placed is refused with 422 ADDRESS_UNRESOLVED and nothing changes. ' +
        'An order held with statusReason `address_unresolved` goes back to where it stopped, and a paid one reserves its stock at once. ' +
        '409 ORDER_NOT_EDITABLE once the order has gone to a warehouse or was cancelled. The same receiver again changes nothing.',
      params: idParams,
      body: receiverCorrection,
    },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    const order = await flows.correctReceiver(ctx, req.params.id, req.body);
    return orderView(order, ctx.actor.role);
  });
}
