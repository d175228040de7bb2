import { systemActor, type RequestContext } from '../platform/context.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import { loggableError, type Logger } from '../platform/logger.ts';
import { createTenant, reissueKey } from '../modules/access/access.service.ts';
import type { OrderInput } from '../modules/orders/orders.input.ts';
import type { OrderIntake } from '../workflows/order-intake.workflow.ts';
import { listOrders } from '../modules/orders/orders.service.ts';
import { ensurePerson } from '../modules/people/people.service.ts';
import { issueLoginLink } from '../modules/people/sessions.service.ts';
import { demoOrder, seededRandom } from './demo.generator.ts';
import { ensureDemoRules, seedLastDay } from './demo.history.ts';
import { stockDemo } from './demo.inventory.ts';
import { startDemoWarehouses } from './demo.warehouses.ts';
import type { SecretBox } from '../platform/secrets.ts';

export const DEMO_TENANT = 'demo';
const DEMO_KEY_NAME = 'demo session';

export interface DemoHandle {
  key: string;
  /** A one-time login link token that signs the demo admin into the console (see GET /auth/link). */
  loginToken: string;
  /** The WMS sandboxes the demo warehouses deliver to. */
  wms: { protocol: string; url: string }[];
  /** Has the WMS sandboxes report to the OMS at this address, once it listens. */
  connectWms(omsUrl: string): void;
  stop(): Promise<void>;
}

/**
 * The demo tenant: sample data, clearly labelled, that keeps arriving while the server runs so a
 * newcomer sees orders move. Its admin key is reissued on every start and printed, with a one-time
 * link that signs its admin into the console.
 */
export async function startDemo(db: Database, clock: Clock, logger: Logger, secrets: SecretBox, submitOrder: OrderIntake, options: { intervalMs?: number; seedOrders?: number; wmsPortBase?: number } = {}): Promise<DemoHandle> {
  await createTenant(db, { id: DEMO_TENANT, name: 'Demo tenant (sample data, not real orders)', isDemo: true }, clock.now());
  const key = await reissueKey(db, DEMO_TENANT, DEMO_KEY_NAME, 'admin', clock.now());
  const ctx: RequestContext = { tenantId: DEMO_TENANT, actor: systemActor('demo'), clock, db };
  const admin = await ensurePerson(ctx, { login: 'admin', displayName: '演示管理员 Demo admin', role: 'admin' });
  const loginToken = await issueLoginLink(db, admin, clock.now());
  const rand = seededRandom(Date.now() & 0xffffffff);
  let sequence = 0;

  const warehouses = await startDemoWarehouses(ctx, secrets, options.wmsPortBase);
  await stockDemo(ctx);
  await warehouses.shelve(ctx);
  await ensureDemoRules(ctx);
  const existing = await listOrders(ctx, { limit: 1 });
  if (existing.items.length === 0) sequence = await seedLastDay(ctx, submitOrder, rand, options.seedOrders ?? 240, sequence);

  // Unpaid orders get paid a little later, as buyers do, so updates flow as well as new orders.
  const unpaid: OrderInput[] = [];
  const tick = async () => {
    const order = demoOrder(rand, sequence++, clock.now());
    await submitOrder(ctx, order);
    if (order.status === 'created') unpaid.push(order);
    if (unpaid.length > 0 && rand() < 0.5) {
      const now = clock.now().toISOString();
      await submitOrder(ctx, { ...unpaid.shift()!, status: 'paid', paidAt: now, channelModifiedAt: now });
    }
  };
  const timer = setInterval(() => {
    tick().catch((err: unknown) => logger.warn({ error: loggableError(err) }, 'demo order failed'));
  }, options.intervalMs ?? 3_000);
  timer.unref();
  return {
    key,
    loginToken,
    wms: warehouses.wms,
    connectWms: (omsUrl) => warehouses.connect(omsUrl),
    async stop() {
      clearInterval(timer);
      await warehouses.stop();
    },
  };
}
