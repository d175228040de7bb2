import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Api } from '../../api/http.ts';
import { str } from '../../platform/validation.ts';
import type { WmsReceiver } from './wms.inbound.ts';

/**
 * Where WMSs report back (shipments, stock changes): `/wms/{tenant}`, authenticated by the
 * signature of the warehouses' WMS links rather than an API key, the body read raw because the
 * signature covers its exact bytes.
 */
export function wmsInboundRoutes(app: Api, receive: WmsReceiver): void {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/wms/:tenant', {
      schema: { hide: true, params: z.object({ tenant: str().max(64) }) },
    }, async (req, reply) => {
      const answer = await receive(req.params.tenant, {
        query: req.query as Record<string, string | undefined>,
        headers: req.headers,
        rawBody: typeof req.body === 'string' ? req.body : '',
      });
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    });
  });
}
