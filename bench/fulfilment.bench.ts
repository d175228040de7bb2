import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { startWmsSandbox } from '../sandbox/wms/wms.sandbox.ts';
import { changeStock } from '../src/modules/inventory/stock.service.ts';
import type { OrderInput } from '../src/modules/orders/orders.input.ts';
import { startDispatcher } from '../src/workflows/wms-dispatch.workflow.ts';
import { orderIntake } from '../src/workflows/order-intake.workflow.ts';
import { Wake } from '../src/platform/wake.ts';
import { createWarehouse } from '../src/modules/warehouses/warehouses.service.ts';
import { qimenAdapter } from '../src/modules/wms/qimen.adapter.ts';
import type { DeliveryOrderMessage } from '../src/modules/wms/wms.message.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../src/platform/context.ts';
import { migrate, rowsOf } from '../src/platform/db/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { SecretBox } from '../src/platform/secrets.ts';
import { intOption, percentile, progress, withFreshDatabase, type Bench, type BenchContext, type Figure } from './support.ts';

/**
 * Paid orders offered at a steady rate (open loop: each second's orders go in whether or not the
 * earlier ones are done) through the whole way to a warehouse: the pipeline records and routes
 * them and reserves their stock, the dispatcher in the same process sends the delivery orders to a
 * Qimen sandbox WMS answering after 5 ms, and records its acceptance. Latency runs from the order's
 * payment to the moment its acceptance is recorded. Baseline, in the same run: the same number of
 * bare signed Qimen requests offered at the same rate straight to the sandbox, each timed from
 * send to answer.
 */

const account = { appKey: 'bench-app', appSecret: randomBytes(16).toString('hex'), customerId: 'BENCH' };
const TENANT = 'bench-fulfilment';

function order(run: string, i: number, paidAt: string): OrderInput {
  const east = i % 2 === 0;
  return {
    channel: 'douyin', shopId: 'live-room', channelOrderId: `${run}-${i}`, status: 'paid', currency: 'CNY', shippingFen: 0, discountFen: 0, totalFen: 9900, tags: [],
    receiver: east
      ? { name: '王芳', phone: '13700001111', country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 1 号' }
      : { name: '李娜', phone: '13912345678', country: 'CN', province: '广东省', city: '广州市', district: '天河区', address: '体育西路 1 号' },
    orderedAt: paidAt, paidAt, channelModifiedAt: paidAt, lines: [{ sku: `SKU-${i % 20}`, quantity: 1, unitPriceFen: 9900 }],
  } as OrderInput;
}

/** Calls `fire(i)` for i in 0..count-1 at `rate` per second, in 10 ms ticks, without waiting for them; resolves when all have settled. */
async function offer(count: number, rate: number, fire: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const pending: Promise<void>[] = [];
  let next = 0;
  while (next < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (next < due) pending.push(fire(next++));
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
}

async function run(bench: BenchContext) {
  const rate = intOption(bench.values, 'rate', 500);
  const seconds = intOption(bench.values, 'seconds', 20);
  const count = rate * seconds;
  const runTag = randomBytes(3).toString('hex');
  const wms = await startWmsSandbox({ protocol: 'qimen', accounts: [account], warehouses: ['HZ01', 'GZ01'], faults: { latencyMs: 5 } });
  try {
    return await withFreshDatabase(bench, async (handle) => {
      await migrate(handle);
      const box = new SecretBox(randomBytes(32).toString('hex'));
      const ctx: RequestContext = { tenantId: TENANT, actor: systemActor('bench'), clock: systemClock, db: handle.db };
      const link = { protocol: 'qimen' as const, url: `${wms.url}/router/qimen/service`, ...account };
      await createWarehouse(ctx, { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true, location: { divisionCode: '330100' }, wms: link }, box);
      await createWarehouse(ctx, { code: 'GZ01', name: '华南广州仓', timeZone: 'Asia/Shanghai', location: { divisionCode: '440100' }, wms: link }, box);
      const skus = Array.from({ length: 20 }, (_, i) => `SKU-${i}`);
      for (const code of ['HZ01', 'GZ01']) await changeStock(ctx, skus.map((sku) => ({ sku, warehouseCode: code, quantity: count + 1000 })), { kind: 'receipt', reason: 'bench stock' });

      // Baseline first, while nothing else runs: bare signed requests at the same rate, after a
      // second of the same to warm up (connections opened, code compiled), as for the pipeline.
      const adapter = qimenAdapter({ ...link, customerId: account.customerId }, systemClock);
      const bare = (tag: string, into: number[]) => async (i: number) => {
        const at = new Date();
        const message: DeliveryOrderMessage = {
          code: `BASE-${runTag}-${tag}-${i}`, warehouseCode: 'HZ01', timeZone: 'Asia/Shanghai', sourcePlatformCode: 'DY', sourceOrderCode: String(i), createdAt: at, paidAt: at, shipBy: null, currency: 'CNY',
          receiver: { name: '王芳', phone: '13700001111', country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 1 号', postcode: null },
          lines: [{ lineNo: 1, sku: 'SKU-0', quantity: 1, unitPriceFen: 9900 }],
        };
        const sent = performance.now();
        const outcome = await adapter.pushDeliveryOrder(message);
        if (outcome.kind !== 'accepted') throw new Error(`baseline request not accepted: ${JSON.stringify(outcome)}`);
        into.push(performance.now() - sent);
      };
      progress(`baseline: ${rate} bare Qimen deliveryorder.create requests to warm up, then ${count}, offered at ${rate}/s`);
      await offer(rate, rate, bare('warm', []));
      const rtts: number[] = [];
      const baseStarted = performance.now();
      await offer(count, rate, bare('run', rtts));
      const baseElapsed = performance.now() - baseStarted;

      progress(`pipeline: ${rate} paid orders to warm up, then ${count}, offered at ${rate}/s, dispatched in process (${handle.label})`);
      const deliveriesDue = new Wake();
      const submitOrder = orderIntake({ deliveriesDue });
      const dispatcher = startDispatcher({ db: handle.db, clock: systemClock, secrets: box, logger: createLogger('warn'), deliveriesDue });
      const paidOrders = (tag: string) => async (i: number) => {
        const result = await submitOrder(ctx, order(`${runTag}-${tag}`, i, new Date().toISOString()));
        if (result.order.status !== 'routed') throw new Error(`order ${i} is ${result.order.status}`);
      };
      const allAccepted = async (n: number) => {
        const deadline = Date.now() + 120_000;
        for (;;) {
          const [row] = rowsOf(await handle.db.execute(sql`select count(*)::int as n from delivery_orders where tenant_id = ${TENANT} and status = 'accepted'`));
          if (Number(row!.n) >= n) return;
          if (Date.now() > deadline) throw new Error(`only ${row!.n} of ${n} accepted after 120 s`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      let elapsed: number;
      try {
        await offer(rate, rate, paidOrders('warm'));
        await allAccepted(rate);
        await handle.db.execute(sql`analyze`);
        const started = performance.now();
        await offer(count, rate, paidOrders('run'));
        await allAccepted(rate + count);
        elapsed = performance.now() - started;
      } finally {
        await dispatcher.stop();
      }
      const latencies = rowsOf(await handle.db.execute(sql`
        select extract(epoch from (d.accepted_at - o.paid_at)) * 1000 as ms
        from delivery_orders d join orders o on o.tenant_id = d.tenant_id and o.id = d.order_id
        where d.tenant_id = ${TENANT} and o.channel_order_id like ${`${runTag}-run-%`}`)).map((r) => Number(r.ms));
      const recorded = rowsOf(await handle.db.execute(sql`
        select extract(epoch from (o.created_at - o.paid_at)) * 1000 as ms from orders o
        where o.tenant_id = ${TENANT} and o.channel_order_id like ${`${runTag}-run-%`}`)).map((r) => Number(r.ms));
      const [orders] = rowsOf(await handle.db.execute(sql`select count(*) filter (where status = 'accepted_by_wms')::int as accepted from orders where tenant_id = ${TENANT}`));

      const figures: Figure[] = [
        { metric: 'offered_per_s', value: rate },
        { metric: 'accepted_per_s', value: count / (elapsed / 1000), baseline: count / (baseElapsed / 1000) },
        { metric: 'p50_ms', value: percentile(latencies, 50), baseline: percentile(rtts, 50) },
        { metric: 'p99_ms', value: percentile(latencies, 99), baseline: percentile(rtts, 99) },
        { metric: 'max_ms', value: Math.max(...latencies), baseline: Math.max(...rtts) },
        // Of which: payment → the order recorded, routed and its stock reserved (the pipeline's part).
        { metric: 'recorded_p50_ms', value: percentile(recorded, 50) },
        { metric: 'recorded_p99_ms', value: percentile(recorded, 99) },
        { metric: 'duplicates_count', value: wms.store.duplicateCount },
      ];
      const failures: string[] = [];
      if (latencies.length !== count) failures.push(`${latencies.length} of ${count} measured orders have a delivery order`);
      if (Number(orders!.accepted) !== count + rate) failures.push(`${orders!.accepted} of ${count + rate} orders accepted_by_wms`);
      if (wms.store.orders.size !== 2 * (count + rate)) failures.push(`the WMS holds ${wms.store.orders.size} delivery orders, expected ${2 * (count + rate)} (baseline and pipeline, warm-ups included)`);
      if (bench.backend === 'postgres' && percentile(latencies, 99) >= 1000) failures.push(`p99 ${percentile(latencies, 99).toFixed(0)} ms is not under 1,000 ms`);
      return { figures, failures };
    });
  } finally {
    await wms.close();
  }
}

const bench: Bench = {
  summary: 'paid orders at a steady rate through routing, reservation and the dispatcher to a Qimen sandbox WMS (5 ms), payment → recorded acceptance, vs bare requests to the WMS',
  options: { rate: { type: 'string' }, seconds: { type: 'string' } },
  run,
};
export default bench;
