import { sql } from 'drizzle-orm';
import { boardPage, boardSummary } from '../src/modules/board/board.service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../src/platform/context.ts';
import { migrate } from '../src/platform/db/index.ts';
import { intOption, percentile, progress, withFreshDatabase, type Bench, type BenchContext, type Figure } from './support.ts';

/**
 * The order board at scale: a tenant with `--orders` orders (1,000,000 by default) received over
 * 90 days, most of them long shipped or closed and a working day's worth still waiting for a
 * warehouse, as a live shop's book looks. It times what the console asks for every few seconds
 * (the board's summary and its first page, unfiltered and filtered) through the board's own
 * service, against `select count(*)` over the same tenant's orders in the same run.
 */
const TENANT = 'bench-board';

async function load(ctx: RequestContext, orders: number, waitingShare: number): Promise<void> {
  const now = ctx.clock.now().toISOString();
  // One statement per 100,000 orders: a waiting order is one of the newest; the rest are done.
  const chunk = 100_000;
  for (let from = 1; from <= orders; from += chunk) {
    const to = Math.min(orders, from + chunk - 1);
    await ctx.db.execute(sql`
      insert into orders (tenant_id, id, channel, shop_id, channel_order_id, channel_status, status, status_reason, priority, handling_group,
        currency, goods_fen, shipping_fen, discount_fen, total_fen, receiver_name, receiver_phone, receiver_country, receiver_province, receiver_city,
        receiver_address, receiver_name_masked, receiver_phone_masked, receiver_address_masked, tags, ordered_at, paid_at, channel_modified_at,
        process_by, created_at, updated_at)
      select ${TENANT}, 'b' || lpad(g::text, 9, '0'), ch, 'shop-' || (g % 7), (6000000000000000000 + g)::text, 'paid',
        st, case when st = 'exception' then 'out_of_stock' when st = 'on_hold' then 'rule_hold' end, pr,
        case when pr = 'urgent' then 'VIP' end, 'CNY', 9900, 0, 0, 9900, '王芳', '13700001111', 'CN', '浙江省', '杭州市', '文三路 1 号',
        '王*', '137****1111', '文三路***', '{}', at - interval '1 minute', at, at,
        at + case pr when 'urgent' then interval '30 minutes' when 'high' then interval '2 hours' else interval '12 hours' end, at, at
      from (
        select g,
          (array['taobao','tmall','jd','pdd','douyin'])[1 + g % 5] as ch,
          case when g % 20 = 0 then 'urgent' when g % 7 = 0 then 'high' else 'normal' end as pr,
          ${now}::timestamptz - ((${orders} - g)::float8 / ${orders} * interval '90 days') as at,
          case
            when g > ${Math.round(orders * (1 - waitingShare))} then (array['paid','allocated','routed','pushed','pushed','pushed','on_hold','exception'])[1 + g % 8]
            else (array['shipped','delivered','closed','closed','closed','cancelled'])[1 + g % 6]
          end as st
        from generate_series(${from}::int, ${to}::int) g
      ) s`);
    progress(`  ${to.toLocaleString('en')} orders`);
  }
  // Delivery orders for what went to a warehouse and is still open, so the board's warehouse column is read as it would be.
  await ctx.db.execute(sql`
    insert into delivery_orders (tenant_id, code, order_id, warehouse_code, status, lines, decision, work_day, created_at, updated_at)
    select tenant_id, id || '-1', id, (array['HZ01','GZ01','TJ01'])[1 + (right(id, 3)::int % 3)], 'pending', '[]', '{}', to_char(created_at, 'YYYY-MM-DD'), created_at, created_at
    from orders where tenant_id = ${TENANT} and status in ('routed', 'pushed')`);
}

async function timed(samples: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

async function run(bench: BenchContext) {
  const orders = intOption(bench.values, 'orders', 1_000_000);
  const samples = intOption(bench.values, 'samples', 200);
  const waitingShare = 0.03;
  return withFreshDatabase(bench, async (handle) => {
    await migrate(handle);
    const ctx: RequestContext = { tenantId: TENANT, actor: systemActor('bench'), clock: systemClock, db: handle.db };
    progress(`loading ${orders.toLocaleString('en')} orders, ${waitingShare * 100}% of them waiting (${handle.label})`);
    const started = Date.now();
    await load(ctx, orders, waitingShare);
    progress(`loaded in ${((Date.now() - started) / 1000).toFixed(0)} s; vacuum analyze`);
    await handle.db.execute(sql`vacuum analyze orders`);
    await handle.db.execute(sql`vacuum analyze delivery_orders`);

    const count = () => handle.db.execute(sql`select count(*) from orders where tenant_id = ${TENANT}`);
    const cases: [string, () => Promise<unknown>][] = [
      ['summary', () => boardSummary(ctx, {})],
      ['first_page', () => boardPage(ctx, { limit: 50 })],
      ['first_page_urgent', () => boardPage(ctx, { limit: 50, priority: ['urgent'] })],
      ['first_page_on_hold', () => boardPage(ctx, { limit: 50, status: ['on_hold'] })],
      ['summary_channel', () => boardSummary(ctx, { channel: 'jd' })],
      ['first_page_warehouse', () => boardPage(ctx, { limit: 50, warehouse: 'GZ01' })],
      ['search', () => boardPage(ctx, { limit: 50, q: String(6000000000000000000 + orders - 5) })],
    ];
    // Warm both ways alike, then alternate: each sample of a case is followed by one of count(*).
    for (const [, work] of cases) await timed(5, work);
    await timed(5, count);
    const figures: Figure[] = [];
    const failures: string[] = [];
    const baseline = await timed(samples, count);
    const base95 = percentile(baseline, 95);
    for (const [name, work] of cases) {
      const ms = await timed(samples, work);
      const p95 = percentile(ms, 95);
      figures.push({ metric: `${name}_p95_ms`, value: Number(p95.toFixed(2)), baseline: Number(base95.toFixed(2)) });
      if ((name === 'summary' || name === 'first_page') && p95 >= 50) failures.push(`${name}: p95 ${p95.toFixed(1)} ms, the target is under 50 ms`);
    }
    figures.push({ metric: 'count_star_p50_ms', value: Number(percentile(baseline, 50).toFixed(2)) });
    const summary = await boardSummary(ctx, {});
    figures.push({ metric: 'orders', value: orders }, { metric: 'waiting_orders', value: summary.total });
    return { figures, failures };
  });
}

const bench: Bench = {
  summary: 'the order board over a million orders: summary and first page p95 against select count(*) on the same table',
  options: { orders: { type: 'string' }, samples: { type: 'string' } },
  run,
};

export default bench;
