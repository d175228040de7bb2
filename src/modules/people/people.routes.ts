import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import { text } from '../../platform/validation.ts';
import { createGroup, listGroups } from './groups.service.ts';

const groupBody = z
  .object({ code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, - and _, at most 32'), name: text(100) })
  .strict()
  .meta({ examples: [{ code: 'VIP', name: 'VIP 专席' }] });

export function peopleRoutes(app: Api): void {
  app.get('/api/v1/groups', {
    schema: { tags: ['people'], summary: 'Handling groups (处理组): where rules send orders' },
  }, async (req) => ({ items: await listGroups(ctxFor(req, ...allRoles)) }));

  app.post('/api/v1/groups', {
    schema: { tags: ['people'], summary: 'Make a handling group', body: groupBody },
  }, async (req, reply) => reply.code(201).send(await createGroup(ctxFor(req, 'admin'), req.body)));
}
