import { randomBytes } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { buildApp } from '../src/api/app.ts';
import { demoOrder, seededRandom } from '../src/demo/demo.generator.ts';
import { bootstrap } from '../src/modules/access/access.service.ts';
import { DEFAULT_TENANT } from '../src/modules/access/access.keys.ts';
import type { OrderInput } from '../src/modules/orders/orders.input.ts';
import { orders } from '../src/modules/orders/orders.schema.ts';
import { systemClock } from '../src/platform/clock.ts';
import { migrate, type Database } from '../src/platform/db/index.ts';
import { SecretBox } from '../src/platform/secrets.ts';
import { createLogger } from '../src/platform/logger.ts';
import { insertRaw } from './raw-order.ts';
import {
  intOption, percentile, perSecond, progress, runConcurrently, withFreshDatabase,
  type Bench, type BenchContext, type Figure, type Timings,
} from './support.ts';

/**
 * Order ingestion over the real HTTP API (auth, validation, transaction with lines and event),
 * against a baseline of one raw single-row INSERT per order through the same driver and pool.
 */

const WARMUP = 200;
const BASELINE_TENANT = 'bench-baseline';

async function run(ctx: BenchContext) {
  const n = intOption(ctx.values, 'orders', ctx.backend === 'postgres' ? 5000 : 2000);
  const concurrency = intOption(ctx.values, 'concurrency', 32);
  const seed = intOption(ctx.values, 'seed', 1);

  // Built before timing so generating and serialising orders is not part of either figure.
  const inputs = makeOrders(seed, WARMUP + n);
  const bodies = inputs.map((o) => JSON.stringify(o));

  return withFreshDatabase(ctx, async (handle) => {
    await migrate(handle);
    const { generatedKey } = await bootstrap(handle.db, undefined, new Date());
    if (!generatedKey) throw new Error('bootstrap issued no admin key on a fresh database');
    const secrets = new SecretBox(randomBytes(32).toString('hex'));
    const app = await buildApp({ db: handle.db, clock: systemClock, logger: createLogger('silent'), secrets });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const post = (i: number) => postOrder(`${base}/api/v1/orders`, generatedKey, bodies[i]!);

      // Warm both paths (JIT, connections, plan caches) so neither pays start-up in its figures.
      progress(`warm-up: ${WARMUP} API requests and ${WARMUP} baseline inserts`);
      await runConcurrently(WARMUP, concurrency, post);
      await runConcurrently(WARMUP, concurrency, (i) => insertRaw(handle.db, `${BASELINE_TENANT}-warmup`, inputs[i]!));

      progress(`measured: ${n} orders over HTTP, ${concurrency} in flight (${handle.label})`);
      const api = await runConcurrently(n, concurrency, (i) => post(WARMUP + i));
      progress(`baseline: ${n} single-row INSERTs, ${concurrency} in flight`);
      const raw = await runConcurrently(n, concurrency, (i) => insertRaw(handle.db, BASELINE_TENANT, inputs[WARMUP + i]!));

      const stored = await countOrders(handle.db, DEFAULT_TENANT);
      const lost = WARMUP + n - stored;
      const figures: Figure[] = [...compare(api, raw, n), { metric: 'lost_orders_count', value: lost }];
      const failures = lost === 0 ? [] : [`expected ${WARMUP + n} orders in tenant ${DEFAULT_TENANT}, found ${stored}`];
      return { figures, failures };
    } finally {
      await app.close();
    }
  });
}

function compare(api: Timings, raw: Timings, n: number): Figure[] {
  return [
    { metric: 'orders_per_s', value: perSecond(n, api.elapsedMs), baseline: perSecond(n, raw.elapsedMs) },
    { metric: 'p50_ms', value: percentile(api.latenciesMs, 50), baseline: percentile(raw.latenciesMs, 50) },
    { metric: 'p99_ms', value: percentile(api.latenciesMs, 99), baseline: percentile(raw.latenciesMs, 99) },
  ];
}

/** Demo orders made unique per run and index; the run tag keeps repeated runs on one server apart. */
function makeOrders(seed: number, n: number): OrderInput[] {
  const rand = seededRandom(seed);
  const run = randomBytes(4).toString('hex');
  const at = new Date();
  return Array.from({ length: n }, (_, i) => ({
    ...demoOrder(rand, i, at),
    channel: 'custom' as const,
    shopId: 'bench',
    channelOrderId: `BENCH-${run}-${i}`,
  }));
}

async function postOrder(url: string, key: string, body: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  // Read the body in every case: an unread body keeps the keep-alive connection from being reused.
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /api/v1/orders answered ${res.status}, expected 201: ${text.slice(0, 500)}`);
}

async function countOrders(db: Database, tenantId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orders).where(eq(orders.tenantId, tenantId));
  return row?.n ?? 0;
}

const bench: Bench = {
  summary: 'orders POSTed over HTTP vs raw single-row INSERTs',
  options: {
    orders: { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
  },
  run,
};

export default bench;
