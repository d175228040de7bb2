import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxFor, type Api } from '../../api/http.ts';
import { str } from '../../platform/validation.ts';
import { listDeadLetters } from './channels.dead-letters.ts';
import { receivePush, type WebhookDeps } from './channels.webhooks.ts';

/**
 * Push endpoints for the marketplaces. They authenticate by the platform's signature, not by an
 * API key, so they live outside /api/v1 and read the body raw: signatures cover exact bytes.
 */
export function webhookRoutes(app: Api, deps: WebhookDeps): void {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/webhooks/:channel/:shopRef', {
      schema: {
        hide: true,
        params: z.object({ channel: str().max(16), shopRef: str().max(100) }),
      },
    }, async (req, reply) => {
      const rawBody = typeof req.body === 'string' ? req.body : '';
      const outcome = await receivePush(deps, req.params.channel, req.params.shopRef, {
        headers: req.headers,
        query: req.query as Record<string, string | undefined>,
        rawBody,
      });
      return reply.code(outcome.reply.status).send(outcome.reply.body);
    });
  });
}

export function deadLetterRoutes(app: Api): void {
  app.get('/api/v1/channel-dead-letters', {
    schema: {
      tags: ['shops'],
      summary: 'Channel messages that were refused (bad signature, stale timestamp, malformed, unknown shop, invalid order), newest first, with the last day\'s unauthenticated refusals counted per hour',
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    },
  }, async (req) => {
    const ctx = ctxFor(req, 'admin', 'ops');
    return listDeadLetters(ctx, req.query.limit);
  });
}
