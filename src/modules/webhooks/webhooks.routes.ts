import { z } from 'zod';
import { ctxFor, type Api } from '../../api/http.ts';
import { listCalls, rotateWebhookSecret, webhookSecret } from './webhooks.service.ts';

const listQuery = z.object({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export function outboundCallRoutes(app: Api): void {
  app.get('/api/v1/webhooks/calls', {
    schema: { tags: ['webhooks'], summary: 'Outbound webhook calls (rules\' webhook action), newest first, with their attempts', querystring: listQuery },
  }, async (req) => listCalls(ctxFor(req, 'admin', 'ops', 'supervisor'), req.query));

  app.get('/api/v1/webhooks/secret', {
    schema: {
      tags: ['webhooks'],
      summary: 'The secret outbound calls are signed with',
      description: 'Each call carries `X-OMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, `X-OMS-Event` and `X-OMS-Call-Id` (the same on every retry).',
    },
  }, async (req) => ({ secret: await webhookSecret(ctxFor(req, 'admin'), app.secrets) }));

  app.post('/api/v1/webhooks/secret/rotate', {
    schema: { tags: ['webhooks'], summary: 'Replace the signing secret at once' },
  }, async (req) => ({ secret: await rotateWebhookSecret(ctxFor(req, 'admin'), app.secrets) }));
}
