import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import type { Logger } from '../platform/logger.ts';
import { Metrics } from '../platform/metrics.ts';
import { wmsInboundRoutes } from '../modules/wms/wms.routes.ts';
import { routingRoutes } from '../modules/routing/routing.routes.ts';
import { fulfillmentRoutes } from '../modules/fulfillment/fulfillment.routes.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { accessRoutes } from '../modules/access/access.routes.ts';
import { orderRoutes } from '../modules/orders/orders.routes.ts';
import { shopRoutes } from '../modules/channels/shops.routes.ts';
import { deadLetterRoutes, webhookRoutes } from '../modules/channels/channels.routes.ts';
import { inventoryRoutes } from '../modules/inventory/inventory.routes.ts';
import { stockSyncRoutes } from '../modules/inventory/stock-sync.routes.ts';
import { reconciliationRoutes } from '../modules/inventory/reconciliation.routes.ts';
import { scorecardRoutes } from '../modules/inventory/scorecard.routes.ts';
import { warehouseRoutes } from '../modules/warehouses/warehouses.routes.ts';
import { tierRoutes } from '../modules/orders/orders.tiers.routes.ts';
import { ruleRoutes } from '../modules/rules/rules.routes.ts';
import { peopleRoutes } from '../modules/people/people.routes.ts';
import { sessionRoutes } from '../modules/people/sessions.routes.ts';
import { boardRoutes } from '../modules/board/board.routes.ts';
import { feedRoutes, type FeedOptions } from '../modules/feed/feed.routes.ts';
import { outboundCallRoutes } from '../modules/webhooks/webhooks.routes.ts';
import { timeRoutes } from '../modules/time/time.routes.ts';
import { testRules } from '../workflows/rules-dry-run.workflow.ts';
import { connectorRegistry } from '../modules/channels/channels.connectors.ts';
import type { ConnectorRegistry } from '../modules/channels/channels.pull.ts';
import { createFlows, type Flows } from '../workflows/flows.ts';
import { receiveFromWms } from '../workflows/wms-reports-in.workflow.ts';
import { snapshotFromWmsByHand } from '../workflows/wms-inventory-queries.workflow.ts';
import { Authenticator } from './auth.ts';
import { serveConsole } from './console.ts';
import { clientErrors, errorHandler, frameworkErrors } from './error-handler.ts';
import type { Api } from './http.ts';
import { guardReads, refuseUnstorableText } from './request-guards.ts';
import { judgedAt } from '../platform/validation.ts';
import { ReadLimiter, type ReadLimits } from '../platform/read-limit.ts';

export interface AppDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Seals and opens shop credentials. */
  secrets: SecretBox;
  /** Marketplace connectors; the real platforms' unless a test or the demo points elsewhere per shop. */
  connectors?: ConnectorRegistry;
  version?: string;
  /** This process's workflows; made here when the caller has none to share (with its workers, say). */
  flows?: Flows;
  /** The cap on concurrent API reads (see ReadLimiter); its defaults unless the environment sets it. */
  readLimits?: ReadLimits;
  /** How far a signed channel or WMS message's timestamp may be from our clock (OMS_SIGNATURE_MAX_SKEW_S). */
  signatureMaxSkewMs?: number;
  /** Where the built console is (web/dist unless a test says otherwise). */
  consoleDir?: string;
  /** The live feed's polling and limits (tests make it quick). */
  feed?: FeedOptions;
}

export async function buildApp(deps: AppDeps): Promise<Api> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request lines would cost more than the work at ingestion rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 2 * 1024 * 1024,
    // Ids and codes are at most 64 characters, but a SKU of 64 Chinese characters takes 576 percent-encoded.
    routerOptions: { maxParamLength: 1_000 },
    frameworkErrors,
    clientErrorHandler: clientErrors,
  }).withTypeProvider<ZodTypeProvider>();
  // Instants in input are judged against the app's clock (see pastInstant), which tests and replays set.
  app.setValidatorCompiler<ZodType>((route) => {
    const validate = validatorCompiler(route);
    return (data) => judgedAt(deps.clock, () => validate(data));
  });
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  const consolePage = await serveConsole(app, deps.consoleDir);
  app.setNotFoundHandler((req, reply) => {
    if (consolePage(req, reply)) return reply;
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });

  const metrics = deps.metrics ?? new Metrics();
  app.decorate('metrics', metrics);
  app.decorate('secrets', deps.secrets);
  app.decorateRequest('ctx', null);
  app.decorateRequest('session', null);

  const reads = new ReadLimiter(deps.readLimits);
  app.decorate('reads', reads);
  guardReads(app, reads);
  refuseUnstorableText(app);

  const auth = new Authenticator(deps.db, deps.clock);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/v1/') || req.routeOptions.config.public) return;
    const { ctx, session } = await auth.authenticate(req);
    req.ctx = ctx;
    req.session = session;
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // Revoked keys and changed people take effect at once in this process.
    if (req.method !== 'GET' && /^\/api\/v1\/(keys|people)\//.test(req.url) && reply.statusCode < 300) auth.forget();
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OMS — order-management platform API',
        description: 'Orders from every channel, one inventory truth, WMS delivery and after-sales. Errors are {"error": {"code", "message", "details"}}.',
        version: deps.version ?? '0.1.0',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'oms.<tenant>.<id>.<secret>' },
          session: { type: 'apiKey', in: 'cookie', name: 'oms_session', description: 'the console\'s session (POST /api/v1/session); requests that change something also send X-CSRF-Token' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const flows = deps.flows ?? createFlows();
  orderRoutes(app, { submit: flows.intake, ...flows.orders });
  tierRoutes(app);
  ruleRoutes(app, { test: testRules });
  peopleRoutes(app);
  sessionRoutes(app, { db: deps.db, clock: deps.clock, ended: () => auth.forget() });
  outboundCallRoutes(app);
  feedRoutes(app, deps.feed);
  boardRoutes(app);
  timeRoutes(app);
  accessRoutes(app);
  shopRoutes(app);
  deadLetterRoutes(app);
  warehouseRoutes(app);
  inventoryRoutes(app);
  stockSyncRoutes(app);
  reconciliationRoutes(app, { fromWms: (ctx, code) => snapshotFromWmsByHand(ctx, deps.secrets, code) });
  scorecardRoutes(app);
  routingRoutes(app);
  fulfillmentRoutes(app, flows.deliveries);
  const connectors = deps.connectors ?? connectorRegistry({ clock: deps.clock });
  const signatureMaxSkewMs = deps.signatureMaxSkewMs;
  webhookRoutes(app, { db: deps.db, clock: deps.clock, secrets: deps.secrets, connectors, logger: deps.logger, sink: flows.intake, signatureMaxSkewMs });
  wmsInboundRoutes(app, (tenantId, request) => receiveFromWms({ db: deps.db, clock: deps.clock, secrets: deps.secrets, logger: deps.logger, signatureMaxSkewMs }, tenantId, request));
  return app;
}
