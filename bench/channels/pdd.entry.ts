import { startPddSandbox } from '../../sandbox/pdd/pdd.sandbox.ts';
import { pddConnector } from '../../src/modules/channels/pdd/pdd.connector.ts';
import { normalisePddOrder, pddIncrementPage } from '../../src/modules/channels/pdd/pdd.normalise.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { PlatformEntry } from '../channels.bench.ts';

const APP = { appKey: 'pdd-bench-client-id', appSecret: 'pdd-bench-client-secret' };
const MALL = { shopId: '9000001', accessToken: 'pdd-bench-access-token' };
const connector = pddConnector({ clock: systemClock });

/**
 * Pinduoduo: pdd.order.number.list.increment.get pages over windows of at most 30 minutes (paid
 * orders only); messages POSTed one per request as a flat JSON object signed over its fields.
 */
export const pdd: PlatformEntry = {
  async startSandbox({ seed, webhookUrl }) {
    const sandbox = await startPddSandbox({
      apps: [{ ...APP, shops: [MALL] }],
      seed,
      webhook: { url: webhookUrl, ...APP },
    });
    return {
      shop: {
        tenantId: 'bench',
        shopId: 'pdd-bench',
        channel: 'pdd',
        channelShopId: MALL.shopId,
        ...APP,
        accessToken: MALL.accessToken,
        apiBaseUrl: sandbox.url,
      },
      generateOrders: (count, at, spreadMs) => void sandbox.generateOrders(count, at, { spreadSeconds: spreadMs / 1000 }),
      listedOrders: () => sandbox.store.ordersOf(MALL.shopId).length,
      pushEvents: async () => {
        const report = await sandbox.pushEvents();
        if (report.failedPosts > 0) throw new Error(`sandbox push: ${report.failedPosts} POSTs not accepted`);
      },
      close: () => sandbox.close(),
    };
  },
  maxWindowMs: connector.maxWindowMs,
  pushAccepted: connector.replies.accepted,
  async fetchPages(shop, window, deps) {
    for await (const _page of pddConnector(deps).pullWindow(shop, window)) {
      // pages are captured by deps.fetch
    }
  },
  // What callPdd + pullWindow do with a page: JSON.parse, unwrap the increment response, normalise.
  normalisePage(text, shop, ids) {
    const { orders } = pddIncrementPage(JSON.parse(text) as Record<string, unknown>);
    for (const raw of orders) {
      const order = normalisePddOrder(raw, { shopId: shop.shopId });
      ids?.add(order.channelOrderId);
    }
    return orders.length;
  },
  verifyAndParsePush(push, shop) {
    if (!connector.verifyPush(shop, push)) throw new Error('PDD message sign did not verify');
    return connector.parsePush(shop, push).length;
  },
  plainPageOrders: (parsed) =>
    ((parsed as { order_sn_increment_get_response?: { order_sn_list?: unknown[] } }).order_sn_increment_get_response?.order_sn_list ?? []).length,
  plainPushMessages: (parsed) => (Array.isArray(parsed) ? parsed.length : 1),
};
