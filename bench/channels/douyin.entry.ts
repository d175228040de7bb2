import { startDouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { douyinConnector } from '../../src/modules/channels/douyin/douyin.connector.ts';
import { parseDouyinEvents } from '../../src/modules/channels/douyin/douyin.events.ts';
import { douyinShopOrdersOf, normaliseDouyinOrder, parseDouyinJson } from '../../src/modules/channels/douyin/douyin.normalise.ts';
import { verifyDouyinEvent } from '../../src/modules/channels/douyin/douyin.sign.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { PlatformEntry } from '../channels.bench.ts';

const APP = { appKey: '7012345678901234567', appSecret: 'douyin-bench-app-secret' };
const SHOP = { shopId: '4463798', accessToken: 'douyin-bench-access-token' };
const connector = douyinConnector({ clock: systemClock });

/** Douyin (抖店): order.searchList pages; event pushes signed in the `event-sign` header. */
export const douyin: PlatformEntry = {
  async startSandbox({ seed, webhookUrl }) {
    const sandbox = await startDouyinSandbox({
      apps: [{ ...APP, shops: [SHOP] }],
      seed,
      recordRequests: false,
      webhook: { url: webhookUrl, ...APP },
    });
    return {
      shop: {
        tenantId: 'bench',
        shopId: 'dy-bench',
        channel: 'douyin',
        channelShopId: SHOP.shopId,
        ...APP,
        accessToken: SHOP.accessToken,
        apiBaseUrl: sandbox.url,
      },
      generateOrders: (count, at, spreadMs) => void sandbox.generateOrders(count, at, { spreadSeconds: spreadMs / 1000 }),
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
    // The connector's own paging (order.searchList, 100 a page, ascending update time) over callDouyin.
    for await (const _page of douyinConnector(deps).pullWindow(shop, window)) {
      // pages are captured by deps.fetch
    }
  },
  normalisePage(text, shop, ids) {
    const orders = douyinShopOrdersOf(parseDouyinJson(text));
    for (const raw of orders) {
      const order = normaliseDouyinOrder(raw, { shopId: shop.shopId });
      ids?.add(order.channelOrderId);
    }
    return orders.length;
  },
  verifyAndParsePush(push, shop) {
    if (!verifyDouyinEvent(shop.appKey, shop.appSecret, push.rawBody, push.headers['event-sign'])) throw new Error('event-sign did not verify');
    return parseDouyinEvents(push.rawBody).length;
  },
  plainPageOrders: (parsed) => ((parsed as { data?: { shop_order_list?: unknown[] } }).data?.shop_order_list ?? []).length,
  plainPushMessages: (parsed) => (Array.isArray(parsed) ? parsed.length : 1),
};
