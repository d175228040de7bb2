import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { instant } from '../../platform/validation.ts';
import { orderInput, transitionInput } from './orders.input.ts';
import { orderStatuses } from './orders.lifecycle.ts';
import { priorities } from './orders.priority.ts';
import * as orders from './orders.service.ts';
import { orderView } from './orders.view.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const listQuery = z.object({
  status: csvOf(orderStatuses).optional().describe('one status or several, comma-separated'),
  channel: z.string().max(32).optional(),
  shopId: z.string().max(64).optional(),
  priority: z.enum(priorities).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only orders past their processing deadline and not yet with a warehouse'),
  createdFrom: instant().optional(),
  createdTo: instant().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function orderRoutes(app: Api): void {
  app.post('/api/v1/orders', {
    schema: {
      tags: ['orders'],
      summary: 'Ingest a canonical order (idempotent on channel, shop and channel order id)',
      description: '201 when the order is new; 200 with the same order when it was seen before (updated if the message is newer).',
      body: orderInput,
    },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    const result = await orders.ingestOrder(ctx, req.body);
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
      params: idParams,
      body: transitionInput,
    },
  }, async (req) => {
    const ctx = ctxFor(req, ...allRoles);
    const order = await orders.transition(ctx, req.params.id, req.body);
    return orderView(order, ctx.actor.role);
  });
}
