import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import type { RequestContext } from '../../platform/context.ts';
import { str } from '../../platform/validation.ts';
import { acknowledgeAlert, openAlerts } from './alerts.service.ts';
import { getDelivery, listDeliveries, type DeliveryView } from './delivery-orders.service.ts';
import { deliveryCodeParams, deliveryQuery, manualShipment, type ManualShipment } from './fulfillment.input.ts';

/** What the delivery-order routes ask of the flows that span modules; the composition root hands them in. */
export interface DeliveryActions {
  /** A failed, refused or manual delivery order sent to its WMS again now. */
  retry(ctx: RequestContext, code: string): Promise<DeliveryView>;
  /** A manual delivery order shipped by people. */
  shipByHand(ctx: RequestContext, code: string, shipment: ManualShipment): Promise<unknown>;
}

export function fulfillmentRoutes(app: Api, actions: DeliveryActions): void {
  app.get('/api/v1/delivery-orders', {
    schema: { tags: ['fulfillment'], summary: 'Delivery orders, newest first, with their routing decision and push state', querystring: deliveryQuery },
  }, async (req) => listDeliveries(ctxFor(req, ...allRoles), req.query));

  app.get('/api/v1/delivery-orders/:code', {
    schema: { tags: ['fulfillment'], summary: 'One delivery order: lines, routing decision (warehouses ranked and dropped, with reasons), attempts, WMS answer', params: deliveryCodeParams },
  }, async (req) => getDelivery(ctxFor(req, ...allRoles), req.params.code));

  app.get('/api/v1/alerts', {
    schema: { tags: ['fulfillment'], summary: 'Open alerts (e.g. delivery orders no retry got to their WMS), newest first' },
  }, async (req) => ({ items: await openAlerts(ctxFor(req, ...allRoles)) }));

  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: { tags: ['fulfillment'], summary: 'Acknowledge an alert', params: z.object({ id: str().min(1).max(64) }) },
  }, async (req) => acknowledgeAlert(ctxFor(req, 'admin', 'ops', 'supervisor'), req.params.id));

  app.post('/api/v1/delivery-orders/:code/retry', {
    schema: {
      tags: ['fulfillment'],
      summary: 'Send a failed, refused or manual delivery order to its WMS again now, with a fresh count of attempts',
      description: 'Its order, stopped in exception for it (push_failed, wms_rejected), goes back to routed. 409 DELIVERY_NOT_RETRYABLE for a delivery order in any other state; 409 WAREHOUSE_NOT_LINKED when its warehouse has no WMS link.',
      params: deliveryCodeParams,
    },
  }, async (req) => actions.retry(ctxFor(req, 'admin', 'ops'), req.params.code));

  app.post('/api/v1/delivery-orders/:code/shipment', {
    schema: {
      tags: ['fulfillment'],
      summary: 'Ship a manual delivery order by hand (its warehouse has no WMS link): carrier and tracking number',
      description: 'Its units leave the book, its order moves on (shipped once all its delivery orders have), and the marketplace is told. 409 DELIVERY_NOT_MANUAL for a delivery order its WMS handles.',
      params: deliveryCodeParams,
      body: manualShipment,
    },
  }, async (req) => actions.shipByHand(ctxFor(req, 'admin', 'ops'), req.params.code, req.body));
}
