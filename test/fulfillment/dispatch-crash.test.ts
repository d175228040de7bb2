import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';
import { bootstrap, DEFAULT_TENANT } from '../../src/modules/access/access.service.ts';
import { changeStock } from '../../src/modules/inventory/stock.service.ts';
import { orderIntake } from '../../src/workflows/order-intake.workflow.ts';
import { Wake } from '../../src/platform/wake.ts';
import { createWarehouse } from '../../src/modules/warehouses/warehouses.service.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { rowsOf } from '../../src/platform/db/index.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import { postgresAvailable, testBackends, type TestDatabase } from '../support/databases.ts';
import { wmsAccount } from '../support/fulfillment.ts';
import { startWorker } from '../support/server.ts';

const ORDERS = 5_000;
const SECRET_KEY = 'a-secret-key-for-the-dispatch-test-0000';
const workerEnv = {
  OMS_SECRET_KEY: SECRET_KEY,
  // Retries come quickly here so the run stays short; the schedule is the point, not its length.
  OMS_WMS_RETRY_BACKOFF_MS: '0,200,500,1000',
  OMS_WMS_RETRY_EVERY_MS: '2000',
  OMS_WMS_MAX_ATTEMPTS: '1000',
};

/**
 * 5,000 paid orders delivered by `oms worker` processes to a Qimen WMS that refuses 30% of
 * requests, loses some answers after keeping the order, and goes down for 60 seconds, while the
 * first worker is killed with SIGKILL mid-run and another takes over: every delivery order ends up
 * at the WMS once, and the only repeats the WMS sees are sends whose answer never reached us.
 */
describe('WMS delivery through faults, an outage and a killed dispatcher (postgres)', { skip: !postgresAvailable() }, () => {
  let database: TestDatabase;
  let wms: WmsSandbox;
  const stops: (() => Promise<unknown>)[] = [];

  before(async () => {
    database = (await testBackends().find((b) => b.kind === 'postgres')!.open());
    wms = await startWmsSandbox({ protocol: 'qimen', accounts: [wmsAccount], warehouses: ['HZ01', 'GZ01'], faults: { errorRate: 0.3, lostAnswerRate: 0.05 }, seed: 42 });
  });
  after(async () => {
    for (const stop of stops) await stop();
    await wms.close();
    await database.drop();
  });

  const counts = async () => {
    const rows = rowsOf(await database.handle.db.execute(sql`select status, count(*)::int as n from delivery_orders group by status`));
    return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)])) as Record<string, number>;
  };
  const waitFor = async (what: string, done: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await counts())}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  test(`${ORDERS} orders are all accepted by the WMS, none twice, none lost`, { timeout: 300_000 }, async () => {
    const db = database.handle.db;
    await bootstrap(db, undefined, systemClock.now());
    const ctx: RequestContext = { tenantId: DEFAULT_TENANT, actor: systemActor('test'), clock: systemClock, db };
    const box = new SecretBox(SECRET_KEY);
    const link = { protocol: 'qimen' as const, url: `${wms.url}/router/qimen/service`, ...wmsAccount };
    await createWarehouse(ctx, { code: 'HZ01', name: '华东杭州仓', timeZone: 'Asia/Shanghai', isDefault: true, location: { divisionCode: '330100' }, wms: link }, box);
    await createWarehouse(ctx, { code: 'GZ01', name: '华南广州仓', timeZone: 'Asia/Shanghai', location: { divisionCode: '440100' }, wms: link }, box);
    for (const code of ['HZ01', 'GZ01']) await changeStock(ctx, [{ sku: 'MUG', warehouseCode: code, quantity: ORDERS }], { kind: 'receipt', reason: 'test stock' });

    const submitOrder = orderIntake({ deliveriesDue: new Wake() });
    const paidAt = systemClock.now().toISOString();
    const results = await Promise.all(Array.from({ length: ORDERS }, (_, i) => submitOrder(ctx, {
      channel: 'custom', shopId: 'api', channelOrderId: `F-${i}`, status: 'paid', currency: 'CNY', shippingFen: 0, discountFen: 0, totalFen: 100, tags: [],
      receiver: i % 2 ? { name: '李娜', phone: '13912345678', country: 'CN', province: '广东省', city: '广州市', district: '天河区', address: '体育西路 1 号' }
        : { name: '王芳', phone: '13700001111', country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 1 号' },
      orderedAt: paidAt, paidAt, lines: [{ sku: 'MUG', quantity: 1, unitPriceFen: 100 }],
    } as Parameters<typeof submitOrder>[1])));
    assert.ok(results.every((r) => r.order.status === 'routed'));
    assert.equal((await counts()).pending, ORDERS);

    const first = await startWorker(['--db', database.url!], workerEnv);
    stops.push(first.stop);
    await waitFor('a third accepted', async () => ((await counts()).accepted ?? 0) >= ORDERS / 3, 120_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const acceptedAtKill = (await counts()).accepted ?? 0;
    assert.ok(acceptedAtKill < ORDERS, 'killed mid-run');

    wms.outage(60_000);
    const outageStarted = Date.now();
    const second = await startWorker(['--db', database.url!], workerEnv);
    stops.push(second.stop);
    await waitFor('every delivery order accepted', async () => ((await counts()).accepted ?? 0) === ORDERS, 240_000);
    assert.ok(Date.now() - outageStarted >= 55_000, 'the last ones were accepted only after the outage');

    assert.deepEqual(await counts(), { accepted: ORDERS });
    assert.equal(wms.store.orders.size, ORDERS, 'every delivery order reached the WMS, each once');
    assert.equal(wms.store.conflicts, 0);
    // Repeats: answers the WMS dropped, and sends cut off by the kill whose answer died with the first worker.
    const repeats = wms.store.duplicateCount - wms.store.lostAnswers;
    assert.ok(repeats >= 0 && repeats <= 400, `duplicates ${wms.store.duplicateCount}, lost answers ${wms.store.lostAnswers}`);
    const orders = rowsOf(await db.execute(sql`select status, count(*)::int as n from orders group by status`));
    assert.deepEqual(orders.map((r) => [r.status, Number(r.n)]), [['accepted_by_wms', ORDERS]]);
    const attempts = rowsOf(await db.execute(sql`select max(attempts)::int as most, sum(attempts)::int as total from delivery_orders`))[0]!;
    assert.ok(Number(attempts.most) > 3, 'some were retried through the outage');
    process.stderr.write(`# ${ORDERS} delivered: ${acceptedAtKill} before the kill, ${attempts.total} attempts in all, ${wms.store.duplicateCount} duplicates at the WMS (${wms.store.lostAnswers} lost answers)\n`);
  });
});
