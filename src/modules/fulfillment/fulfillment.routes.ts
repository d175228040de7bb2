import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import type { RequestContext } from '../../platform/context.ts';
import { acknowledgeAlert, alertCounts, listAlerts } from './alerts.service.ts';
import { deliveryDetail, listDeliveries, type DeliveryView } from './delivery-orders.service.ts';
import { alertCountQuery, alertParams, alertQuery, deliveryCodeParams, deliveryQuery, manualShipment, type ManualShipment } from './fulfillment.input.ts';

/** What the delivery-order routes ask of the flows that span modules; the composition root hands them in. */
export interface DeliveryActions {
  /** A failed, refused or manual delivery order, or one still in its retry schedule, sent to its WMS again now. */
  retry(ctx: RequestContext, code: string): Promise<DeliveryView>;
  /** A manual delivery order shipped by people. */
  shipByHand(ctx: RequestContext, code: string, shipment: ManualShipment): Promise<unknown>;
}

export function fulfillmentRoutes(app: Api, actions: DeliveryActions): void {
  app.get('/api/v1/delivery-orders', {
    schema: { tags: ['fulfillment'], summary: 'Delivery orders, newest first, with their routing decision and push state', querystring: deliveryQuery },
  }, async (req) => listDeliveries(ctxFor(req, ...allRoles), req.query));

  app.get('/api/v1/delivery-orders/:code', {
    schema: {
      tags: ['fulfillment'],
      summary: 'One delivery order: lines, routing decision (warehouses ranked and dropped, with reasons), attempts, WMS answer',
      description: 'attemptHistory: every send to its WMS (target wms: accepted, retry, rejected, failed) and to its marketplace (target notice: sent, due, failed), with error and latency, newest first, the latest 100.',
      params: deliveryCodeParams,
    },
  }, async (req) => deliveryDetail(ctxFor(req, ...allRoles), req.params.code));

  app.get('/api/v1/alerts', {
    schema: {
      tags: ['fulfillment'],
      summary: 'Alerts (e.g. delivery orders no retry got to their WMS), open ones unless asked otherwise, newest first, a page at a time',
      querystring: alertQuery,
    },
  }, async (req) => listAlerts(ctxFor(req, ...allRoles), req.query));

  app.get('/api/v1/alerts/counts', {
    schema: { tags: ['fulfillment'], summary: 'How many alerts of each kind, open ones unless asked otherwise', querystring: alertCountQuery },
  }, async (req) => alertCounts(ctxFor(req, ...allRoles), req.query));

  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: { tags: ['fulfillment'], summary: 'Acknowledge an alert', params: alertParams },
  }, async (req) => acknowledgeAlert(ctxFor(req, 'admin', 'ops', 'supervisor'), req.params.id));

  app.post('/api/v1/delivery-orders/:code/retry', {
    schema: {
      tags: ['fulfillment'],
      summary: 'Send a failed, refused, manual or pending delivery order to its WMS again now, with a fresh count of attempts (the attempt history stays)',
      description: 'Its order, stopped in exception for it (push_failed, wms_rejected), goes back to routed; a pending one (in its retry schedule) is made due at once. 409 DELIVERY_NOT_RETRYABLE for a delivery order in any other state; 409 DELIVERY_BEING_SENT while a dispatcher is sending it; 409 WAREHOUSE_NOT_LINKED when its warehouse has no WMS link.',
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
