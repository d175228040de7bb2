import { startJdSandbox } from '../../sandbox/jd/jd.sandbox.ts';
import { jdResponseKey, parseJdJson } from '../../src/modules/channels/jd/jd.client.ts';
import { jdConnector } from '../../src/modules/channels/jd/jd.connector.ts';
import { isRecord } from '../../src/modules/channels/channels.normalise.ts';
import { jdSearchResult, normaliseJdOrder } from '../../src/modules/channels/jd/jd.normalise.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { PlatformEntry } from '../channels.bench.ts';

const APP = { appKey: 'JDBENCHAPPKEY0001', appSecret: 'jd-bench-app-secret' };
const SHOP = { venderId: '10086001', accessToken: 'jd-bench-access-token' };
const PULL_KEY = jdResponseKey('jingdong.pop.order.enSearch');
const connector = jdConnector({ clock: systemClock });

/**
 * JD (京东 POP): jingdong.pop.order.enSearch pages from 1 (paid orders only, so fewer than planned);
 * order messages POSTed one per request, signed JD-style in the query over the raw body.
 */
export const jd: PlatformEntry = {
  async startSandbox({ seed, webhookUrl }) {
    const sandbox = await startJdSandbox({
      apps: [{ ...APP, shops: [SHOP] }],
      seed,
      recordRequests: false,
      webhook: { url: webhookUrl, ...APP },
    });
    return {
      shop: {
        tenantId: 'bench',
        shopId: 'jd-bench',
        channel: 'jd',
        channelShopId: SHOP.venderId,
        ...APP,
        accessToken: SHOP.accessToken,
        apiBaseUrl: sandbox.url,
      },
      generateOrders: (count, at, spreadMs) => void sandbox.generateOrders(count, at, { spreadSeconds: spreadMs / 1000 }),
      listedOrders: () => sandbox.store.ordersOf(SHOP.venderId).length,
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
    for await (const _page of jdConnector(deps).pullWindow(shop, window)) {
      // pages are captured by deps.fetch
    }
  },
  // What callJd + pullWindow do with a page: big-integer-safe parse, unwrap `_responce`, normalise.
  normalisePage(text, shop, ids) {
    const body = parseJdJson(text);
    const content = isRecord(body) ? body[PULL_KEY] : undefined;
    if (!isRecord(content)) throw new Error(`no ${PULL_KEY} in a captured page`);
    const { orders } = jdSearchResult(content);
    for (const raw of orders) {
      const order = normaliseJdOrder(raw, { shopId: shop.shopId });
      ids?.add(order.channelOrderId);
    }
    return orders.length;
  },
  verifyAndParsePush(push, shop) {
    if (!connector.verifyPush(shop, push)) throw new Error('JD push sign did not verify');
    return connector.parsePush(shop, push).length;
  },
  plainPageOrders: (parsed) =>
    ((parsed as Record<string, { searchorderinfo_result?: { orderInfoList?: unknown[] } } | undefined>)[PULL_KEY]?.searchorderinfo_result?.orderInfoList ?? []).length,
  plainPushMessages: (parsed) => (Array.isArray(parsed) ? parsed.length : 1),
};
