import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startDouyinSandbox, type DouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { startTaobaoSandbox, type TaobaoSandbox } from '../../sandbox/taobao/taobao.sandbox.ts';
import { connectorRegistry } from '../../src/modules/channels/channels.connectors.ts';
import { clearListingPause, pauseListings } from '../../src/modules/inventory/listing-pauses.service.ts';
import { changeStock, setSafetyStock } from '../../src/modules/inventory/stock.service.ts';
import { claimDue } from '../../src/modules/inventory/stock-sync.repository.ts';
import { ensureListings } from '../../src/modules/inventory/stock-listings.service.ts';
import { backoffDelay, defaultStockSyncSettings, pushDueStock, type PushReport, type StockSyncDeps } from '../../src/modules/inventory/stock-pushes.service.ts';
import { channelQuantity, defaultRule, type SyncRule, type WarehouseStock } from '../../src/modules/inventory/stock-sync.rules.ts';
import { DEFAULT_TENANT } from '../../src/modules/access/access.service.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

// ---------------------------------------------------------------------------------------------
// The quantity rule, as a pure function

const rule = (r: Partial<SyncRule> = {}): SyncRule => ({ ...defaultRule, ...r });
const wh = (warehouseCode: string, onHand: number, reserved = 0, safetyStock: number | null = null): WarehouseStock => ({ warehouseCode, onHand, reserved, safetyStock });

describe('channel quantity', () => {
  test('default: everything available over every warehouse; available never below zero per warehouse', () => {
    assert.deepEqual(channelQuantity([wh('HZ', 10, 3), wh('GZ', 5)], 0, defaultRule), { quantity: 12, available: 12, safetyStock: 0, sellable: 12, safetyCut: false });
    // GZ has more reserved than on hand (an adjustment took units away): it counts as 0, not −2.
    assert.equal(channelQuantity([wh('HZ', 10), wh('GZ', 1, 3)], 0, defaultRule).quantity, 10);
    assert.equal(channelQuantity([], 0, defaultRule).quantity, 0);
  });

  test('floor(available × percent / 100 + plus), clamped to [min, max], never above available', () => {
    assert.equal(channelQuantity([wh('HZ', 99)], 0, rule({ percent: 50 })).quantity, 49); // 49.5 floored
    assert.equal(channelQuantity([wh('HZ', 99)], 0, rule({ percent: 50, plus: 3 })).quantity, 52);
    assert.equal(channelQuantity([wh('HZ', 10)], 0, rule({ percent: 30, plus: -5 })).quantity, 0); // −2 → 0
    assert.equal(channelQuantity([wh('HZ', 100)], 0, rule({ maxQty: 40 })).quantity, 40);
    assert.equal(channelQuantity([wh('HZ', 100)], 0, rule({ percent: 10, minQty: 20 })).quantity, 20);
    assert.equal(channelQuantity([wh('HZ', 8)], 0, rule({ percent: 10, minQty: 20 })).quantity, 8, 'min never lifts above available');
    assert.equal(channelQuantity([wh('HZ', 5)], 0, rule({ plus: 10 })).quantity, 5, 'plus never lifts above available');
    assert.equal(channelQuantity([wh('HZ', 7)], 0, rule({ percent: 33 })).quantity, 2);
  });

  test('a fixed quota, never above available; percent and the rest unused', () => {
    assert.equal(channelQuantity([wh('HZ', 100)], 0, rule({ fixedQuota: 20, percent: 1, maxQty: 5 })).quantity, 20);
    assert.equal(channelQuantity([wh('HZ', 12)], 0, rule({ fixedQuota: 20 })).quantity, 12);
  });

  test('only the counted warehouses', () => {
    const levels = [wh('HZ', 10), wh('GZ', 30), wh('BJ', 7)];
    assert.equal(channelQuantity(levels, 0, rule({ warehouseCodes: ['GZ', 'BJ'] })).quantity, 37);
    assert.equal(channelQuantity(levels, 0, rule({ warehouseCodes: ['SH'] })).quantity, 0);
  });

  test('at or below the safety stock: zero, whatever the rule', () => {
    assert.deepEqual(channelQuantity([wh('HZ', 5)], 5, defaultRule), { quantity: 0, available: 5, safetyStock: 5, sellable: 0, safetyCut: true });
    assert.equal(channelQuantity([wh('HZ', 8, 3)], 5, rule({ fixedQuota: 2 })).quantity, 0, 'reserved units are not available');
    assert.equal(channelQuantity([wh('HZ', 4)], 5, rule({ minQty: 3 })).quantity, 0, 'minQty does not lift a cut');
  });

  test('the safety stock is held back before the rule applies: the held units are never offered', () => {
    assert.deepEqual(channelQuantity([wh('HZ', 6)], 5, defaultRule), { quantity: 1, available: 6, safetyStock: 5, sellable: 1, safetyCut: false });
    assert.equal(channelQuantity([wh('HZ', 100, 10)], 10, defaultRule).quantity, 80);
    assert.equal(channelQuantity([wh('HZ', 100)], 10, rule({ percent: 50 })).quantity, 45, '50% of the 90 not held back');
    assert.equal(channelQuantity([wh('HZ', 100)], 10, rule({ percent: 50, plus: 50 })).quantity, 90, 'plus never offers held units');
    assert.equal(channelQuantity([wh('HZ', 12)], 10, rule({ minQty: 5 })).quantity, 2, 'minQty never offers held units');
    assert.equal(channelQuantity([wh('HZ', 100)], 10, rule({ maxQty: 95 })).quantity, 90);
    assert.equal(channelQuantity([wh('HZ', 30)], 10, rule({ fixedQuota: 25 })).quantity, 20, 'a fixed quota never offers held units');
    assert.equal(channelQuantity([wh('HZ', 30)], 10, rule({ fixedQuota: 15 })).quantity, 15);
  });

  test('the SKU’s safety stock covers the warehouses without their own figure, together; an override adds its own', () => {
    // No overrides: the SKU's figure once, however many warehouses hold the SKU.
    assert.equal(channelQuantity([wh('HZ', 3), wh('GZ', 3)], 5, defaultRule).quantity, 1);
    // HZ keeps 4 of its own, GZ and BJ share the SKU's 5: 9 in all.
    const levels = [wh('HZ', 6, 0, 4), wh('GZ', 2), wh('BJ', 1)];
    assert.deepEqual(channelQuantity(levels, 5, defaultRule), { quantity: 0, available: 9, safetyStock: 9, sellable: 0, safetyCut: true });
    assert.equal(channelQuantity([...levels, wh('SH', 1)], 5, defaultRule).quantity, 1);
    // Counting HZ alone: only its own figure applies.
    assert.equal(channelQuantity(levels, 5, rule({ warehouseCodes: ['HZ'] })).quantity, 2);
    assert.equal(channelQuantity([wh('HZ', 4, 0, 4), wh('GZ', 50)], 5, rule({ warehouseCodes: ['HZ'] })).quantity, 0);
  });

  test('backoff: 1 s, 2 s, 5 s, 15 s, 60 s, then every 5 minutes; a failure retrying cannot fix waits 5 minutes', () => {
    const s = defaultStockSyncSettings;
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 30].map((n) => backoffDelay(s, n, true) / 1000), [1, 2, 5, 15, 60, 300, 300, 300]);
    assert.equal(backoffDelay(s, 1, false), 300_000);
  });
});

// ---------------------------------------------------------------------------------------------
// Against the marketplace sandboxes, with a clock the test moves

const DY_APP = { appKey: '7012345678901234567', appSecret: 'douyin-sandbox-app-secret' };
const DY_SHOP = { shopId: '4463798', accessToken: 'douyin-sandbox-access-token' };
const TB_APP = { appKey: '23456789', appSecret: 'taobao-sandbox-app-secret' };
const TB_SHOP = { sellerId: '2206598765432', session: '6100f9f8e7d6c5b4a3' };

/** A fetch that can be held: calls made while closed wait until opened, and say when they start. */
function gatedFetch() {
  let gate: Promise<void> | null = null;
  let open: () => void = () => {};
  let entered: () => void = () => {};
  let enteredPromise: Promise<void> = Promise.resolve();
  return {
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      if (gate) {
        entered();
        await gate;
      }
      return fetch(input, init);
    }) as typeof fetch,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
      enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    },
    /** Resolves when a call reaches the held gate. */
    entered: () => enteredPromise,
    release() {
      gate = null;
      open();
    },
  };
}

for (const backend of testBackends()) {
  describe(`stock sync to the marketplaces (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let douyin: DouyinSandbox;
    let taobao: TaobaoSandbox;
    let ctx: RequestContext;
    let deps: StockSyncDeps;
    const douyinFaults: { errorRate?: number } = {};
    const gate = gatedFetch();

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      // The sandboxes check request timestamps against real time; the connectors sign with the
      // wall clock, while the stock sync's own time (due, leases, backoff) is the ManualClock.
      api.clock.set(new Date());
      douyin = await startDouyinSandbox({ apps: [{ ...DY_APP, shops: [DY_SHOP] }], seed: 3, faults: douyinFaults });
      taobao = await startTaobaoSandbox({ apps: [{ ...TB_APP, shops: [TB_SHOP] }], seed: 5 });
      for (const body of [
        { id: 'dy', channel: 'douyin', name: '抖音沙箱', channelShopId: DY_SHOP.shopId, credentials: { ...DY_APP, accessToken: DY_SHOP.accessToken }, apiBaseUrl: douyin.url },
        { id: 'tb', channel: 'taobao', name: '淘宝沙箱', channelShopId: TB_SHOP.sellerId, credentials: { ...TB_APP, accessToken: TB_SHOP.session }, apiBaseUrl: taobao.url },
      ]) {
        assert.equal((await api.request('POST', '/api/v1/shops', { body })).status, 201);
      }
      assert.equal((await api.request('POST', '/api/v1/warehouses', { body: { code: 'HZ01', name: '杭州仓', timeZone: 'Asia/Shanghai', isDefault: true } })).status, 201);
      assert.equal((await api.request('POST', '/api/v1/warehouses', { body: { code: 'GZ01', name: '广州仓', timeZone: 'Asia/Shanghai' } })).status, 201);
      ctx = { tenantId: DEFAULT_TENANT, actor: systemActor('test'), clock: api.clock, db: database.handle.db };
      deps = {
        db: database.handle.db,
        clock: api.clock,
        secrets: api.app.secrets,
        connectors: connectorRegistry({ clock: systemClock, fetch: gate.fetch }),
        logger: createLogger('silent'),
      };
    });
    after(async () => {
      await douyin?.close();
      await taobao?.close();
      await api?.close();
      await database?.drop();
    });

    const round = () => pushDueStock(deps);
    const receive = (sku: string, quantity: number, warehouseCode = 'HZ01') => changeStock(ctx, [{ sku, warehouseCode, quantity }], { kind: 'adjustment', reason: 'test' });
    const douyinFigures = (sku: string) => douyin.recorded.stockPushes.filter((p) => p.outSkuId === sku).map((p) => p.stockNum);
    const taobaoFigures = (sku: string) => taobao.recorded.stockPushes.filter((p) => p.outerId === sku).map((p) => p.quantity);
    const pushRow = async (shopId: string, sku: string) => {
      const res = await api.request('GET', `/api/v1/inventory/stock-pushes?shopId=${shopId}&sku=${encodeURIComponent(sku)}`);
      assert.equal(res.status, 200);
      return res.body.items[0];
    };
    const list = async (shopId: string, sku: string) => {
      const res = await api.request('POST', '/api/v1/listings', { body: { shopId, sku } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    const outcomes = (reports: PushReport[]) => reports.map((r) => `${r.shopId}/${r.sku}:${r.outcome}${r.quantity === null ? '' : '=' + r.quantity}`).sort();

    test('the pushed quantity follows the shop’s rule and the SKU’s override', async () => {
      const sku = 'CUP500-BL';
      await receive(sku, 100);
      await list('dy', sku);
      assert.deepEqual(outcomes(await round()), ['dy/CUP500-BL:pushed=100']);
      assert.deepEqual(douyinFigures(sku), [100]);
      assert.equal(douyin.store.stock.get(sku), 100, 'the platform shows it');
      assert.deepEqual(await round(), [], 'nothing more is due');

      // A rule change is pushed at once.
      let res = await api.request('PUT', '/api/v1/shops/dy/stock-rules', { body: { percent: 50, plus: 3, maxQty: 40 } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await round();
      await receive(sku, -30); // 70 available: floor(35 + 3) = 38
      await round();
      assert.deepEqual(douyinFigures(sku), [100, 40, 38]);

      res = await api.request('PUT', `/api/v1/shops/dy/stock-rules/${sku}`, { body: { fixedQuota: 7 } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await round();
      res = await api.request('GET', '/api/v1/shops/dy/stock-rules', { key: api.keys.viewer });
      assert.equal(res.status, 200);
      assert.equal(res.body.shopRule.percent, 50);
      assert.deepEqual(res.body.overrides.map((r: any) => [r.sku, r.fixedQuota]), [[sku, 7]]);

      // Counting only a warehouse that holds none of it.
      res = await api.request('PUT', `/api/v1/shops/dy/stock-rules/${sku}`, { body: { warehouseCodes: ['GZ01'] } });
      assert.equal(res.status, 200);
      await round();
      assert.equal((await api.request('DELETE', `/api/v1/shops/dy/stock-rules/${sku}`)).status, 204);
      await round();
      assert.equal((await api.request('DELETE', '/api/v1/shops/dy/stock-rules')).status, 204);
      await round();
      assert.deepEqual(douyinFigures(sku), [100, 40, 38, 7, 0, 38, 70]);

      const preview = await api.request('GET', `/api/v1/inventory/channel-quantities?sku=${sku}`);
      assert.deepEqual(preview.body.items, [{ shopId: 'dy', channel: 'douyin', quantity: 70, available: 70, safetyStock: 0, sellable: 70, safetyCut: false }]);
      const row = await pushRow('dy', sku);
      assert.equal(row.lastPushedQty, 70);
      assert.equal(row.dueAt, null);
      assert.equal(row.failingSince, null);
    });

    test('fifty changes between two rounds become one push carrying the latest figure', async () => {
      const sku = 'CUP500-BL';
      const before = douyinFigures(sku).length;
      for (let i = 1; i <= 50; i++) await receive(sku, i % 2 === 0 ? 3 : -1); // +25 × 3 − 25 = +50
      assert.deepEqual(outcomes(await round()), ['dy/CUP500-BL:pushed=120']);
      assert.deepEqual(douyinFigures(sku).slice(before), [120]);
      assert.deepEqual(await round(), []);
    });

    test('while a push is in flight no second one starts for that shop × SKU; the change made meanwhile goes next', async () => {
      const sku = 'CUP500-BL';
      const before = douyinFigures(sku).length;
      await receive(sku, -20); // 100
      gate.hold();
      const first = round();
      await gate.entered(); // the push of 100 is on its way, held
      assert.equal((await pushRow('dy', sku)).inFlight, true);

      await receive(sku, -10); // 90, while 100 is in flight
      const meanwhile = await round(); // another sender (or the next tick) finds nothing it may take
      assert.deepEqual(meanwhile, []);
      // Even once due time passes, the lease holds it.
      assert.deepEqual(await pushDueStock({ ...deps, clock: { now: () => new Date(api.clock.now().getTime() + 60_000) } }), []);

      gate.release();
      assert.deepEqual(outcomes(await first), ['dy/CUP500-BL:pushed=100']);
      assert.equal((await pushRow('dy', sku)).inFlight, false);
      assert.ok((await pushRow('dy', sku)).dueAt, 'the change made meanwhile left it due');
      assert.deepEqual(outcomes(await round()), ['dy/CUP500-BL:pushed=90']);
      assert.deepEqual(douyinFigures(sku).slice(before), [100, 90]);
      assert.deepEqual(await round(), []);
    });

    test('a sender that dies mid-push is replaced when its lease runs out', async () => {
      const sku = 'CUP500-BL';
      await receive(sku, 1); // 91
      const claimed = await claimDue(deps.db, api.clock.now(), defaultStockSyncSettings.leaseMs, 10);
      assert.equal(claimed.length, 1); // ... and the process holding it is gone
      assert.deepEqual(await round(), []);
      api.clock.advance(defaultStockSyncSettings.leaseMs);
      assert.deepEqual(outcomes(await round()), ['dy/CUP500-BL:pushed=91']);
    });

    test('senders running at once push each due shop × SKU exactly once', async () => {
      const skus = ['TS100-WH-M', 'TS100-WH-L', 'TS100-BK-M', 'LAUNDRY52-1', 'NUTS1KG-A', 'BRICK300-STD'];
      for (const [i, sku] of skus.entries()) {
        await receive(sku, 10 + i);
        await list('dy', sku);
      }
      const reports = (await Promise.all([round(), round(), round(), pushDueStock(deps, { ...defaultStockSyncSettings, batch: 2 })])).flat();
      assert.deepEqual(outcomes(reports), skus.map((sku, i) => `dy/${sku}:pushed=${10 + i}`).sort());
      for (const [i, sku] of skus.entries()) assert.deepEqual(douyinFigures(sku), [10 + i]);
    });

    test('the safety stock is held back from every listed shop; at it, every shop is told zero at once', async () => {
      const sku = 'EAR-PRO-WH';
      await receive(sku, 10);
      await list('dy', sku);
      await list('tb', sku);
      await setSafetyStock(ctx, sku, 5);
      assert.deepEqual(outcomes(await round()), ['dy/EAR-PRO-WH:pushed=5', 'tb/EAR-PRO-WH:pushed=5']);

      await receive(sku, -5); // 5 available: at the safety stock
      assert.deepEqual(outcomes(await round()), ['dy/EAR-PRO-WH:pushed=0', 'tb/EAR-PRO-WH:pushed=0']);
      assert.deepEqual(douyinFigures(sku), [5, 0]);
      assert.deepEqual(taobaoFigures(sku), [5, 0]);

      await receive(sku, 1); // 6: one above it again
      assert.deepEqual(outcomes(await round()), ['dy/EAR-PRO-WH:pushed=1', 'tb/EAR-PRO-WH:pushed=1']);

      // A warehouse's own figure applies to it instead of the SKU's.
      await setSafetyStock(ctx, sku, 2, 'HZ01');
      assert.deepEqual(outcomes(await round()), ['dy/EAR-PRO-WH:pushed=4', 'tb/EAR-PRO-WH:pushed=4']);
      await receive(sku, -4); // 2 available, HZ01 keeps 2
      assert.deepEqual(outcomes(await round()), ['dy/EAR-PRO-WH:pushed=0', 'tb/EAR-PRO-WH:pushed=0']);
      assert.deepEqual(taobaoFigures(sku), [5, 0, 1, 4, 0]);
    });

    test('platform errors are retried with backoff; the first failure’s time is kept until a success clears it', async () => {
      const sku = 'CUP500-BL';
      await receive(sku, 4); // 95
      douyinFaults.errorRate = 1;
      const t0 = api.clock.now();
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 6; attempt++) {
        const [report, ...rest] = await round();
        assert.equal(rest.length, 0);
        assert.equal(report!.outcome, 'failed');
        const row = await pushRow('dy', sku);
        assert.equal(row.attempts, attempt);
        assert.equal(row.failingSince, t0.toISOString(), 'the first failure’s time is kept');
        assert.match(row.lastError, /douyin 20000/);
        const wait = Date.parse(row.dueAt) - api.clock.now().getTime();
        delays.push(wait / 1000);
        api.clock.advance(wait - 1);
        assert.deepEqual(await round(), [], 'not before its time');
        api.clock.advance(1);
      }
      assert.deepEqual(delays, [1, 2, 5, 15, 60, 300]);
      const failing = await api.request('GET', '/api/v1/inventory/stock-pushes?failing=true');
      assert.deepEqual(failing.body.items.map((i: any) => `${i.shopId}/${i.sku}`), ['dy/CUP500-BL']);

      await receive(sku, 5); // 100, while failing: goes with the next retry
      douyinFaults.errorRate = 0;
      assert.deepEqual(outcomes(await round()), ['dy/CUP500-BL:pushed=100']);
      const row = await pushRow('dy', sku);
      assert.deepEqual([row.attempts, row.failingSince, row.lastError, row.lastPushedQty, row.dueAt], [0, null, null, 100, null]);
      assert.equal((await api.request('GET', '/api/v1/inventory/stock-pushes?failing=true')).body.items.length, 0);
      assert.equal(douyin.store.stock.get(sku), 100);
    });

    test('an error retrying soon cannot fix is recorded and retried every five minutes', async () => {
      const sku = 'NOT-ON-DOUYIN'; // the platform has no such SKU
      await receive(sku, 3);
      await list('dy', sku);
      assert.deepEqual(outcomes(await round()), ['dy/NOT-ON-DOUYIN:failed=3']);
      const row = await pushRow('dy', sku);
      assert.match(row.lastError, /50002.*sku-not-found/);
      assert.equal(Date.parse(row.dueAt) - api.clock.now().getTime(), 300_000);
      api.clock.advance(300_000);
      assert.deepEqual(outcomes(await round()), ['dy/NOT-ON-DOUYIN:failed=3']);
      assert.equal((await pushRow('dy', sku)).attempts, 2);
      // Taken off the shop: nothing more is pushed, and it no longer counts as failing.
      const off = await api.request('DELETE', `/api/v1/listings/dy/${sku}`, { key: api.keys.ops });
      assert.equal(off.status, 200);
      assert.equal(off.body.active, false);
      await receive(sku, 1);
      api.clock.advance(300_000);
      assert.deepEqual(await round(), []);
      const after = await pushRow('dy', sku);
      assert.deepEqual([after.dueAt, after.failingSince], [null, null]);
    });

    test('an inactive shop is not pushed to, and does not count as failing', async () => {
      const sku = 'CUP500-PK';
      await receive(sku, 9);
      await list('tb', sku);
      assert.equal((await api.request('PATCH', '/api/v1/shops/tb', { body: { active: false } })).status, 200);
      assert.deepEqual(outcomes(await round()), ['tb/CUP500-PK:skipped']);
      assert.deepEqual(taobaoFigures(sku), []);
      const row = await pushRow('tb', sku);
      assert.equal(row.failingSince, null);
      assert.match(row.lastError, /inactive/);
      assert.equal((await api.request('PATCH', '/api/v1/shops/tb', { body: { active: true } })).status, 200);
      api.clock.advance(300_000);
      assert.deepEqual(outcomes(await round()), ['tb/CUP500-PK:pushed=9']);
      assert.deepEqual(taobaoFigures(sku), [9]);
    });

    test('SKUs seen in orders become listings: idempotent, due for a first push, not stopped by a pause', async () => {
      await pauseListings(ctx, 'douyin', 'test', [60, 50]);
      try {
        const refused = await api.request('POST', '/api/v1/listings', { body: { shopId: 'dy', sku: 'SOCK5-M' } });
        assert.equal(refused.status, 409);
        assert.equal(refused.body.error.code, 'LISTING_PAUSED');
        await receive('SOCK5-M', 12);
        const items = [{ shopId: 'dy', channel: 'douyin', sku: 'SOCK5-M' }, { shopId: 'dy', channel: 'douyin', sku: 'CUP500-BL' }];
        assert.equal(await ensureListings(ctx, [...items, items[0]!]), 1, 'only SOCK5-M is new');
        assert.equal(await ensureListings(ctx, items), 0);
        // A listing taken off by hand stays off.
        assert.equal(await ensureListings(ctx, [{ shopId: 'dy', channel: 'douyin', sku: 'NOT-ON-DOUYIN' }]), 0);
      } finally {
        await clearListingPause({ ...ctx, actor: { kind: 'api_key', id: 'test', role: 'admin' } }, 'douyin');
      }
      assert.deepEqual(outcomes(await round()), ['dy/SOCK5-M:pushed=12']);
      const listed = await api.request('GET', '/api/v1/listings?shopId=dy&active=true');
      const skus = listed.body.items.map((l: any) => l.sku);
      assert.ok(skus.includes('SOCK5-M') && skus.includes('CUP500-BL') && !skus.includes('NOT-ON-DOUYIN'), skus.join());
    });

    test('roles and validation', async () => {
      const as = (role: keyof TestApi['keys']) => ({ key: api.keys[role] });
      const code = (res: { status: number; body: any }) => `${res.status} ${res.body?.error?.code ?? ''}`.trim();

      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('viewer'), body: { shopId: 'dy', sku: 'RICE5-STD' } })), '403 FORBIDDEN');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('agent'), body: { shopId: 'dy', sku: 'RICE5-STD' } })), '403 FORBIDDEN');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { key: null, body: { shopId: 'dy', sku: 'RICE5-STD' } })), '401 UNAUTHENTICATED');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('ops'), body: { shopId: 'nope', sku: 'RICE5-STD' } })), '404 SHOP_NOT_FOUND');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('ops'), body: { shopId: 'dy' } })), '400 VALIDATION_FAILED');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('ops'), body: { shopId: 'dy', sku: ' lead' } })), '400 VALIDATION_FAILED');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('ops'), body: { shopId: 'dy', sku: 'RICE5-STD' } })), '201');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('ops'), body: { shopId: 'dy', sku: 'RICE5-STD' } })), '200', 'already listed');
      assert.equal(code(await api.request('POST', '/api/v1/listings', { ...as('admin'), body: { shopId: 'dy', sku: 'RICE5-STD', extra: 1 } })), '400 VALIDATION_FAILED');
      assert.equal(code(await api.request('GET', '/api/v1/listings?shopId=dy', as('supervisor'))), '200');
      assert.equal(code(await api.request('GET', '/api/v1/listings?shopId=dy', as('agent'))), '403 FORBIDDEN');
      assert.equal(code(await api.request('GET', '/api/v1/listings?active=maybe')), '400 VALIDATION_FAILED');
      assert.equal(code(await api.request('DELETE', '/api/v1/listings/dy/RICE5-STD', as('viewer'))), '403 FORBIDDEN');
      assert.equal(code(await api.request('DELETE', '/api/v1/listings/dy/NEVER-LISTED')), '404 LISTING_NOT_FOUND');
      // A SKU code with a slash travels escaped in the path.
      assert.equal(code(await api.request('POST', '/api/v1/listings', { body: { shopId: 'tb', sku: 'BOX/2 PACK' } })), '201');
      const off = await api.request('DELETE', `/api/v1/listings/tb/${encodeURIComponent('BOX/2 PACK')}`);
      assert.deepEqual([off.status, off.body.sku, off.body.active], [200, 'BOX/2 PACK', false]);
      // Another tenant sees none of it.
      const other = await api.request('GET', '/api/v1/listings', { key: api.otherTenantKey });
      assert.deepEqual(other.body.items, []);
      assert.equal(code(await api.request('GET', '/api/v1/shops/dy/stock-rules', { key: api.otherTenantKey })), '404 SHOP_NOT_FOUND');

      const put = (path: string, body: unknown, role: keyof TestApi['keys'] = 'admin') => api.request('PUT', path, { ...as(role), body });
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { percent: 80 }, 'viewer')), '403 FORBIDDEN');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { percent: 150 })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { percent: 12.5 })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { minQty: 10, maxQty: 5 })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { fixedQuota: -1 })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { warehouseCodes: [] })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { warehouseCodes: ['HZ01', 'HZ01'] })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { warehouseCodes: ['NOWHERE'] })), '404 WAREHOUSE_NOT_FOUND');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', { colour: 'red' })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/nope/stock-rules', { percent: 80 })), '404 SHOP_NOT_FOUND');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules/*', { percent: 80 })), '400 VALIDATION_FAILED');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules/RICE5-STD', { percent: 80 }, 'ops')), '200');
      assert.equal(code(await api.request('DELETE', '/api/v1/shops/dy/stock-rules/RICE5-STD', as('ops'))), '204');
      assert.equal(code(await api.request('DELETE', '/api/v1/shops/dy/stock-rules/RICE5-STD', as('ops'))), '404 NOT_FOUND');
      assert.equal(code(await api.request('GET', '/api/v1/shops/dy/stock-rules', as('agent'))), '403 FORBIDDEN');

      assert.equal(code(await api.request('GET', '/api/v1/inventory/stock-pushes', as('viewer'))), '200');
      assert.equal(code(await api.request('GET', '/api/v1/inventory/stock-pushes', as('agent'))), '403 FORBIDDEN');
      assert.equal(code(await api.request('GET', '/api/v1/inventory/stock-pushes?failing=yes')), '400 VALIDATION_FAILED');
      assert.equal(code(await api.request('GET', '/api/v1/inventory/stock-pushes?cursor=garbage')), '400 VALIDATION_FAILED');

      // The documented examples work as they stand.
      const doc = await api.request('GET', '/api/openapi.json', { key: null });
      const example = (path: string, method: string) => doc.body.paths[path][method].requestBody.content['application/json'].example;
      assert.deepEqual(example('/api/v1/listings', 'post'), { shopId: 'dy-live', sku: 'CUP500-BL' });
      const ruleExample = example('/api/v1/shops/{shopId}/stock-rules', 'put');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules', ruleExample)), '200');
      assert.equal(code(await put('/api/v1/shops/dy/stock-rules/RICE5-STD', example('/api/v1/shops/{shopId}/stock-rules/{sku}', 'put'))), '200');
      assert.ok(doc.body.paths['/api/v1/inventory/stock-pushes'].get);

      // Paging walks every row once.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: any } = await api.request('GET', `/api/v1/inventory/stock-pushes?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...res.body.items.map((i: any) => `${i.shopId}/${i.sku}`));
        cursor = res.body.nextCursor;
      } while (cursor);
      const all = await api.request('GET', '/api/v1/inventory/stock-pushes?limit=500');
      assert.deepEqual(seen, all.body.items.map((i: any) => `${i.shopId}/${i.sku}`));
      assert.equal(new Set(seen).size, seen.length);
      assert.ok(seen.length >= 6, seen.join());
    });
  });
}
