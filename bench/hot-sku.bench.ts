import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { OrderInput } from '../src/modules/orders/orders.input.ts';
import { changeStock, listLevels } from '../src/modules/inventory/stock.service.ts';
import { orderIntake } from '../src/workflows/order-intake.workflow.ts';
import { Wake } from '../src/platform/wake.ts';
import { createWarehouse } from '../src/modules/warehouses/warehouses.service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../src/platform/context.ts';
import { migrate, rowsOf, type Database } from '../src/platform/db/index.ts';
import { insertRaw } from './raw-order.ts';
import {
  intOption, percentile, perSecond, progress, runConcurrently, withFreshDatabase,
  type Bench, type BenchContext, type Figure, type Timings,
} from './support.ts';

/**
 * One hot SKU, through the order pipeline's own reservation path (micro-batches, one conditional
 * UPDATE per batch), against the per-order way: a conditional UPDATE plus the order insert, each
 * order in its own transaction, on the same database, driver and pool, at the same concurrency.
 *
 * (a) flash sale: every buyer at once for a SKU with far fewer units; (b) sustained: single-unit
 * orders from a fixed number of submitters, each waiting for its answer before the next.
 */

const WAREHOUSE = 'HZ01';
const PIPELINE = 'bench-pipeline';
const BASELINE = 'bench-baseline';

function order(run: string, tag: string, i: number, sku: string): OrderInput {
  const at = new Date().toISOString();
  return {
    channel: 'douyin', shopId: 'live-room', channelOrderId: `${run}-${tag}-${i}`, status: 'paid', currency: 'CNY',
    shippingFen: 0, discountFen: 0, totalFen: 9900, tags: [],
    receiver: { name: '李娜', phone: '13912345678', country: 'CN', province: '广东省', city: '广州市', district: '天河区', address: '体育西路 1 号' },
    orderedAt: at, paidAt: at, channelModifiedAt: at,
    lines: [{ sku, quantity: 1, unitPriceFen: 9900 }],
  } as OrderInput;
}

async function stockUp(ctx: RequestContext, sku: string, units: number): Promise<void> {
  await changeStock(ctx, [{ sku, warehouseCode: WAREHOUSE, quantity: units }], { kind: 'receipt', reason: 'bench stock' });
}

/** The per-order way: lock the row with a conditional UPDATE, insert the order, commit. */
async function baselineOrder(db: Database, input: OrderInput, sku: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const taken = rowsOf(await tx.execute(sql`
      update stock_levels set reserved = reserved + 1, updated_at = now()
      where tenant_id = ${BASELINE} and sku = ${sku} and warehouse_code = ${WAREHOUSE} and on_hand - reserved >= 1
      returning 1`));
    await insertRaw(tx, BASELINE, { ...input, status: taken.length ? 'allocated' : 'exception' } as unknown as OrderInput);
    return taken.length === 1;
  });
}

async function levelOf(ctx: RequestContext, sku: string) {
  const level = (await listLevels(ctx, { sku, limit: 1 })).items[0]!;
  return { onHand: level.onHand, reserved: level.reserved };
}

function compare(prefix: string, ours: Timings, base: Timings, n: number): Figure[] {
  return [
    { metric: `${prefix}orders_per_s`, value: perSecond(n, ours.elapsedMs), baseline: perSecond(n, base.elapsedMs) },
    { metric: `${prefix}p50_ms`, value: percentile(ours.latenciesMs, 50), baseline: percentile(base.latenciesMs, 50) },
    { metric: `${prefix}p99_ms`, value: percentile(ours.latenciesMs, 99), baseline: percentile(base.latenciesMs, 99) },
  ];
}

async function run(bench: BenchContext) {
  const buyers = intOption(bench.values, 'buyers', 10_000);
  const units = intOption(bench.values, 'units', 1_000);
  const n = intOption(bench.values, 'orders', 100_000);
  const submitters = intOption(bench.values, 'submitters', 64);
  const runTag = randomBytes(3).toString('hex');

  return withFreshDatabase(bench, async (handle) => {
    await migrate(handle);
    const ctxOf = (tenantId: string): RequestContext => ({ tenantId, actor: systemActor('bench'), clock: systemClock, db: handle.db });
    const ours = ctxOf(PIPELINE);
    const submitOrder = orderIntake({ deliveriesDue: new Wake() });
    const base = ctxOf(BASELINE);
    for (const ctx of [ours, base]) await createWarehouse(ctx, { code: WAREHOUSE, name: '华东杭州仓', timeZone: 'Asia/Shanghai', priority: 1, active: true, isDefault: true });
    const failures: string[] = [];
    const figures: Figure[] = [];

    progress('warm-up: 500 orders each way');
    await stockUp(ours, 'WARM', 1_000);
    await stockUp(base, 'WARM', 1_000);
    await runConcurrently(500, submitters, async (i) => void (await submitOrder(ours, order(runTag, 'warm', i, 'WARM'))));
    await runConcurrently(500, submitters, async (i) => void (await baselineOrder(handle.db, order(runTag, 'warm', i, 'WARM'), 'WARM')));
    // A fresh database has no planner statistics, and autovacuum takes a minute to gather them;
    // a live one has them. Gathered once here, for both ways alike.
    await handle.db.execute(sql`analyze`);

    // (a) Flash sale.
    await stockUp(ours, 'FLASH', units);
    await stockUp(base, 'FLASH', units);
    progress(`flash sale: ${buyers} buyers at once, ${units} units (${handle.label})`);
    let allocated = 0;
    const flash = await runConcurrently(buyers, buyers, async (i) => {
      const result = await submitOrder(ours, order(runTag, 'flash', i, 'FLASH'));
      if (result.order.status === 'allocated') allocated++;
    });
    let baseAllocated = 0;
    const flashBase = await runConcurrently(buyers, buyers, async (i) => {
      if (await baselineOrder(handle.db, order(runTag, 'flash', i, 'FLASH'), 'FLASH')) baseAllocated++;
    });
    const level = await levelOf(ours, 'FLASH');
    const oversold = Math.max(0, level.reserved - level.onHand) + Math.max(0, allocated - units);
    figures.push(
      ...compare('flash_', flash, flashBase, buyers),
      { metric: 'flash_allocated_count', value: allocated, baseline: baseAllocated },
      { metric: 'oversold_units', value: oversold },
    );
    if (allocated !== Math.min(units, buyers)) failures.push(`flash sale: ${allocated} orders allocated, expected ${Math.min(units, buyers)}`);
    if (oversold !== 0) failures.push(`flash sale oversold ${oversold} units`);

    // (b) Sustained.
    await stockUp(ours, 'STEADY', n);
    await stockUp(base, 'STEADY', n);
    progress(`sustained: ${n} single-unit orders from ${submitters} submitters`);
    let refused = 0;
    const steady = await runConcurrently(n, submitters, async (i) => {
      const result = await submitOrder(ours, order(runTag, 'steady', i, 'STEADY'));
      if (result.order.status !== 'allocated') refused++;
    });
    progress(`baseline: ${n} per-order transactions from ${submitters} submitters`);
    const steadyBase = await runConcurrently(n, submitters, async (i) => void (await baselineOrder(handle.db, order(runTag, 'steady', i, 'STEADY'), 'STEADY')));
    figures.push(...compare('', steady, steadyBase, n));
    const steadyLevel = await levelOf(ours, 'STEADY');
    if (refused > 0) failures.push(`sustained: ${refused} orders refused although stock sufficed`);
    if (steadyLevel.reserved !== n) failures.push(`sustained: ${steadyLevel.reserved} units reserved, expected ${n}`);
    return { figures, failures };
  });
}

const bench: Bench = {
  summary: 'one hot SKU: flash sale and sustained orders through the pipeline vs one conditional UPDATE per order',
  options: {
    buyers: { type: 'string' },
    units: { type: 'string' },
    orders: { type: 'string' },
    submitters: { type: 'string' },
  },
  run,
};

export default bench;
