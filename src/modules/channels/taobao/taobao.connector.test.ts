import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTaobaoSandbox, type TaobaoSandbox } from '../../../../sandbox/taobao/taobao.sandbox.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { taobaoConnector } from './taobao.connector.ts';

const APP = { appKey: '34567890', appSecret: 'connector-test-secret' };
const SELLER = { sellerId: '2201234567', session: 'sess-connector' };
const MINUTE = 60_000;

describe('Taobao connector paging', () => {
  let sandbox: TaobaoSandbox;
  let now = Date.UTC(2026, 10, 11, 4, 0, 0);
  const shop = (): ShopCredentials => ({
    tenantId: 't', shopId: 'tb', channel: 'taobao', channelShopId: SELLER.sellerId, ...APP, accessToken: SELLER.session, apiBaseUrl: sandbox.url,
  });

  before(async () => {
    // Every order is paid, a while after it is created: paying bumps `modified` out of the window.
    sandbox = await startTaobaoSandbox({ apps: [{ ...APP, shops: [SELLER] }], seed: 5, clock: () => now, scenario: { unpaidCancelRate: 0, paidCancelRate: 0, addressChangeRate: 0 } });
  });
  after(() => sandbox.close());

  test('trades modified during the pull (newest first) are never skipped by paging from the last page back', async () => {
    sandbox.generateOrders(350, now, { spreadSeconds: 20 * 60 });
    const window = { from: new Date(now - 30 * MINUTE), to: new Date(now) };
    const inWindow = (t: { modified: number }) => t.modified >= window.from.getTime() && t.modified <= window.to.getTime();
    const before = new Set(sandbox.store.tradesOf(SELLER.sellerId).filter(inWindow).map((t) => t.tid));
    assert.ok(before.size > 200, `${before.size}`);
    // Between calls the platform moves on: payments land and those trades leave the window.
    const fetchMovingOn: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      now += 3 * MINUTE;
      sandbox.advance();
      return res;
    };
    const connector = taobaoConnector({ clock: { now: () => new Date(now) }, fetch: fetchMovingOn });
    const seen = new Set<string>();
    for await (const page of connector.pullWindow(shop(), window)) for (const o of page) seen.add(o.channelOrderId);
    const stillIn = sandbox.store.tradesOf(SELLER.sellerId).filter((t) => before.has(t.tid) && inWindow(t));
    assert.ok(stillIn.length < before.size, 'some trades did leave the window during the pull');
    for (const t of stillIn) assert.ok(seen.has(t.tid), `trade ${t.tid}, in the window throughout, was read`);
  });
});
