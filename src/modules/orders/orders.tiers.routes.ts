import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { text } from '../../platform/validation.ts';
import { orderIdParams } from './orders.input.ts';
import { priorities } from './orders.priority.ts';
import { setPriority, tiersFor, tiersPatch, updateTiers } from './orders.tiers.ts';
import { orderView } from './orders.view.ts';

const priorityBody = z
  .object({ priority: z.enum(priorities), reason: text(200).optional() })
  .strict()
  .meta({ examples: [{ priority: 'urgent', reason: '客户来电催单' }] });

/** Priority tiers (优先级) as settings, and a person setting one order's tier. */
export function tierRoutes(app: Api): void {
  app.get('/api/v1/settings/tiers', {
    schema: { tags: ['orders'], summary: 'The priority tiers: how long an order of each may wait before processing starts, and its colour' },
  }, async (req) => tiersFor(ctxFor(req, ...allRoles)));

  app.put('/api/v1/settings/tiers', {
    schema: {
      tags: ['orders'],
      summary: 'Change tier windows or colours (urgent ≤ high ≤ normal); new orders and orders whose tier changes get the new deadlines',
      body: tiersPatch,
    },
  }, async (req) => updateTiers(ctxFor(req, 'admin'), req.body));

  app.put('/api/v1/orders/:id/priority', {
    schema: {
      tags: ['orders'],
      summary: 'Set an order\'s tier by hand: its deadline follows from the tier\'s window, and rules leave it alone from then on',
      params: orderIdParams,
      body: priorityBody,
    },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin', 'ops', 'supervisor');
    return orderView(await setPriority(ctx, req.params.id, req.body.priority, req.body.reason), ctx.actor.role);
  });
}
