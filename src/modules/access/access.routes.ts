import { z } from 'zod';
import { ctxFor, type Api } from '../../api/http.ts';
import { roles } from '../../platform/context.ts';
import * as access from './access.service.ts';

const createKeyExample = { name: 'warehouse integration', role: 'ops' } as const;
const createKeyBody = z
  .object({ name: z.string().trim().min(1).max(100), role: z.enum(roles) })
  .meta({ examples: [createKeyExample] });

export function accessRoutes(app: Api): void {
  app.post('/api/v1/keys', {
    schema: { tags: ['access'], summary: 'Create an API key; the key is shown in this response only', body: createKeyBody },
  }, async (req, reply) => {
    const ctx = ctxFor(req, 'admin');
    const issued = await access.createKey(ctx, req.body);
    return reply.code(201).send({ ...issued.view, key: issued.key });
  });

  app.get('/api/v1/keys', {
    schema: { tags: ['access'], summary: 'List the tenant\'s API keys (never the keys themselves)' },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin');
    return { items: await access.listKeys(ctx) };
  });

  app.delete('/api/v1/keys/:id', {
    schema: { tags: ['access'], summary: 'Revoke an API key at once', params: z.object({ id: z.string().min(1).max(64) }) },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin');
    return access.revokeKey(ctx, req.params.id);
  });
}
