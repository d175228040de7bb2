import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { orderIdParams as idParams, orderInput, receiverCorrection, transitionInput } from '../orders/orders.input.ts';
import { orderView } from '../orders/orders.view.ts';
import { changeOrderStatus, correctOrderReceiver, retryDeliveryByHand, submitOrder } from './pipeline.service.ts';
import { deliveryCodeParams } from '../fulfillment/fulfillment.routes.ts';
import { deliveryView } from '../fulfillment/delivery-orders.service.ts';
import { warehouseParams } from '../warehouses/warehouses.input.ts';
import { snapshotFromWmsByHand } from './pipeline.wms-inventory.ts';
import { shipByHand } from './pipeline.delivery.ts';
import { manualShipment } from '../fulfillment/fulfillment.routes.ts';

export function pipelineRoutes(app: Api): void {
  app.post('/api/v1/orders', {
    schema: {
      tags: ['orders'],
      summary: 'Ingest a canonical order (idempotent on channel, shop and channel order id) and reserve its stock',
      description:
        '201 when the order is new; 200 with the same order when it was seen before (updated if the message is newer). ' +
        'A paid order comes back `routed` when its stock is reserved and its delivery orders are owed to the warehouses\' WMSs (`allocated` at a warehouse without a WMS link), ' +
        'or `exception` with statusReason `out_of_stock` when it cannot be filled (`no_warehouse` when no warehouse may take it) ' +
        '(or `on_hold` with statusReason `address_unresolved`, taking no stock, when a Chinese address cannot be placed; see PUT /api/v1/orders/{id}/receiver) ' +
        '(or stays `paid` as a backorder, by tenant setting). Tenants without warehouses keep no stock here: orders stay as sent.',
      body: orderInput,
    },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    const result = await submitOrder(ctx, req.body);
    app.metrics.ordersIngested.inc({ channel: req.body.channel, outcome: result.outcome });
    return reply.code(result.created ? 201 : 200).send(orderView(result.order, ctx.actor.role));
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
    const order = await changeOrderStatus(ctx, req.params.id, req.body);
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
    const order = await correctOrderReceiver(ctx, req.params.id, req.body);
    return orderView(order, ctx.actor.role);
  });

  app.post('/api/v1/delivery-orders/:code/retry', {
    schema: {
      tags: ['fulfillment'],
      summary: 'Send a failed, refused or manual delivery order to its WMS again now, with a fresh count of attempts',
      description: 'Its order, stopped in exception for it (push_failed, wms_rejected), goes back to routed. 409 DELIVERY_NOT_RETRYABLE for a delivery order in any other state; 409 WAREHOUSE_NOT_LINKED when its warehouse has no WMS link.',
      params: deliveryCodeParams,
    },
  }, async (req) => deliveryView(await retryDeliveryByHand(ctxFor(req, 'admin', 'ops'), req.params.code)));

  app.post('/api/v1/warehouses/:code/stock-snapshots/from-wms', {
    schema: {
      tags: ['inventory'],
      summary: 'Ask the warehouse’s WMS what it holds of every SKU kept there, and record it as a snapshot to reconcile against the book',
      description: '409 WAREHOUSE_NOT_LINKED for a warehouse without a WMS link; 502 WMS_UNAVAILABLE when the WMS does not answer. The daily reconciliation asks by itself before it compares.',
      params: warehouseParams,
    },
  }, async (req, reply) => reply.code(201).send(await snapshotFromWmsByHand(ctxFor(req, 'admin', 'ops'), app.secrets, req.params.code)));

  app.post('/api/v1/delivery-orders/:code/shipment', {
    schema: {
      tags: ['fulfillment'],
      summary: 'Ship a manual delivery order by hand (its warehouse has no WMS link): carrier and tracking number',
      description: 'Its units leave the book, its order moves on (shipped once all its delivery orders have), and the marketplace is told. 409 DELIVERY_NOT_MANUAL for a delivery order its WMS handles.',
      params: deliveryCodeParams,
      body: manualShipment,
    },
  }, async (req) => shipByHand(ctxFor(req, 'admin', 'ops'), req.params.code, req.body));
}
