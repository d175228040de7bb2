import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { instant } from '../../platform/validation.ts';
import { orderIdParams as idParams } from './orders.input.ts';
import { orderStatuses } from './orders.lifecycle.ts';
import { priorities } from './orders.priority.ts';
import * as orders from './orders.service.ts';


const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const listQuery = z.object({
  status: csvOf(orderStatuses).optional().describe('one status or several, comma-separated'),
  channel: z.string().max(32).optional(),
  shopId: z.string().max(64).optional(),
  channelOrderId: z.string().min(1).max(64).optional().describe('the channel\'s own order id, exactly; finds it in every shop and channel'),
  priority: z.enum(priorities).optional(),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only orders past their processing deadline and not yet with a warehouse'),
  createdFrom: instant().optional(),
  createdTo: instant().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function orderRoutes(app: Api): void {
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
}
