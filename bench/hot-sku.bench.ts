import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { OrderInput } from '../src/modules/orders/orders.input.ts';
import { changeStock, listLevels } from '../src/modules/inventory/stock.service.ts';
import { orderIntake } from '../src/workflows/order-intake.workflow.ts';
import { Wake } from '../src/platform/wake.ts';
import { createWarehouse } from '../src/modules/warehouses/warehouses.service.ts';
import { createRule, listRules, updateRule } from '../src/modules/rules/rules.service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../src/platform/context.ts';
import { listOrders } from '../src/modules/orders/orders.service.ts';
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

const listOrdersOf = (ctx: RequestContext) => listOrders(ctx, { limit: 1 });

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


/**
 * Twenty rules a merchant might keep, over every kind of field: tags, amounts, channel and shop,
 * SKUs and quantities, the receiver's place, the buyer's message, the paid time of day, presale.
 * Two of them fire for every bench order (a group, a tag), as some rules do in a live shop; the
 * rest look and pass.
 */
export function twentyRules(sku: string) {
  const rules: { name: string; condition: unknown; actions: unknown }[] = [
    { name: 'live room to the live desk', condition: { field: 'shop', op: 'eq', value: 'live-room' }, actions: [{ type: 'set_group', group: 'VIP' }] },
    { name: 'tag the hot SKU', condition: { field: 'lineSku', op: 'eq', value: sku }, actions: [{ type: 'add_tags', tags: ['hot'] }] },
    { name: 'big baskets', condition: { field: 'totalQuantity', op: 'gte', value: 50 }, actions: [{ type: 'hold', reason: 'bulk order check' }] },
    { name: 'large amounts', condition: { field: 'totalFen', op: 'gte', value: 5_000_000 }, actions: [{ type: 'alert', message: 'large order' }] },
    { name: 'free shipping abuse', condition: { all: [{ field: 'shippingFen', op: 'eq', value: 0 }, { field: 'discountFen', op: 'gt', value: 100_000 }] }, actions: [{ type: 'hold', reason: 'discount check' }] },
    { name: 'Xinjiang and Tibet', condition: { field: 'provinceCode', op: 'in', value: ['650000', '540000'] }, actions: [{ type: 'prefer_warehouse', warehouses: ['HZ01'] }] },
    { name: 'abroad', condition: { field: 'country', op: 'ne', value: 'CN' }, actions: [{ type: 'set_priority', priority: 'high' }] },
    { name: 'night payments', condition: { field: 'paidTime', op: 'between', value: ['02:00', '04:00'] }, actions: [{ type: 'add_tags', tags: ['night'] }] },
    { name: 'address change asked', condition: { field: 'buyerMessage', op: 'contains_any', value: ['改地址', '换地址'] }, actions: [{ type: 'hold', reason: 'address change' }] },
    { name: 'gift wrap', condition: { field: 'buyerMessage', op: 'contains', value: '礼盒' }, actions: [{ type: 'add_tags', tags: ['gift'] }] },
    { name: 'presale goods', condition: { field: 'presale', op: 'is', value: true }, actions: [{ type: 'set_group', group: 'VIP' }] },
    { name: 'JD self-run', condition: { all: [{ field: 'channel', op: 'eq', value: 'jd' }, { field: 'shop', op: 'in', value: ['jd-self', 'jd-self-2'] }] }, actions: [{ type: 'set_priority', priority: 'high' }] },
    { name: 'sofas', condition: { field: 'lineSku', op: 'starts_with', value: 'SOFA-' }, actions: [{ type: 'avoid_warehouse', warehouses: [WAREHOUSE] }] },
    { name: 'many of one', condition: { field: 'lineQuantity', op: 'gt', value: 20 }, actions: [{ type: 'alert', message: 'many of one SKU' }] },
    { name: 'Beijing same day', condition: { all: [{ field: 'cityCode', op: 'eq', value: '110100' }, { field: 'tags', op: 'contains', value: '当日达' }] }, actions: [{ type: 'set_priority', priority: 'urgent' }] },
    { name: 'blocked shops', condition: { field: 'shop', op: 'in', value: ['tb-closed', 'pdd-closed'] }, actions: [{ type: 'hold', reason: 'shop closed' }] },
    { name: 'tiny orders', condition: { field: 'totalFen', op: 'between', value: [1, 99] }, actions: [{ type: 'add_tags', tags: ['tiny'] }] },
    { name: 'not Douyin, tagged', condition: { all: [{ field: 'channel', op: 'ne', value: 'douyin' }, { field: 'tags', op: 'contains_any', value: ['blacklist', 'fraud'] }] }, actions: [{ type: 'hold', reason: 'risk' }] },
  ];
  return rules;
}

/** A tenant for the rules comparison: its warehouse, stock, and either no enabled rules or the shipped two and eighteen more. */
async function rulesTenant(ctx: RequestContext, withRules: boolean, sku: string, units: number) {
  await createWarehouse(ctx, { code: WAREHOUSE, name: '华东杭州仓', timeZone: 'Asia/Shanghai', priority: 1, active: true, isDefault: true });
  await stockUp(ctx, sku, units);
  const shipped = (await listRules(ctx)).items;
  if (!withRules) {
    for (const r of shipped) await updateRule(ctx, r.id, { enabled: false, expectedVersion: r.version });
    return;
  }
  for (const rule of twentyRules(sku)) await createRule(ctx, rule);
  const enabled = (await listRules(ctx)).items.filter((r) => r.enabled).length;
  if (enabled !== 20) throw new Error(`expected 20 enabled rules, have ${enabled}`);
}

async function run(bench: BenchContext) {
  const buyers = intOption(bench.values, 'buyers', 10_000);
  const units = intOption(bench.values, 'units', 1_000);
  const n = intOption(bench.values, 'orders', 100_000);
  const submitters = intOption(bench.values, 'submitters', 64);
  const ruleCount = intOption(bench.values, 'rules', 0);
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

    // (c) With --rules 20: the same sustained load on two more tenants, one with no enabled rules and
    // one with twenty, in alternating rounds so that both meet the same machine.
    if (ruleCount > 0) {
      if (ruleCount !== 20) throw new Error('--rules takes 20: the bench keeps twenty rules of every kind');
      const bare = ctxOf('bench-no-rules');
      const ruled = ctxOf('bench-twenty-rules');
      await rulesTenant(bare, false, 'RULED', n);
      await rulesTenant(ruled, true, 'RULED', n);
      const rounds = 6;
      const per = Math.floor(n / rounds);
      let bareMs = 0;
      let ruledMs = 0;
      for (let round = 0; round < rounds; round++) {
        progress(`rules: round ${round + 1} of ${rounds}, ${per} orders without rules, then ${per} with ${ruleCount}`);
        bareMs += (await runConcurrently(per, submitters, async (i) => void (await submitOrder(bare, order(runTag, `bare${round}`, i, 'RULED'))))).elapsedMs;
        ruledMs += (await runConcurrently(per, submitters, async (i) => void (await submitOrder(ruled, order(runTag, `ruled${round}`, i, 'RULED'))))).elapsedMs;
      }
      const withRulesPerS = perSecond(per * rounds, ruledMs);
      const withoutPerS = perSecond(per * rounds, bareMs);
      figures.push({ metric: 'with_20_rules_orders_per_s', value: withRulesPerS, baseline: withoutPerS });
      const sample = (await listOrdersOf(ruled)).items[0];
      if (!sample?.tags.includes('hot') || sample.handlingGroup !== 'VIP') failures.push('rules: the two rules that fire for every order did not');
      if (withRulesPerS < withoutPerS * 0.9) failures.push(`rules: ${withRulesPerS}/s with 20 rules against ${withoutPerS}/s without, more than 10% slower`);
    }
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
    rules: { type: 'string' },
  },
  run,
};

export default bench;
