import { startTaobaoSandbox } from '../../sandbox/taobao/taobao.sandbox.ts';
import { parseTopJson, topResponseOf } from '../../src/modules/channels/taobao/taobao.client.ts';
import { taobaoConnector } from '../../src/modules/channels/taobao/taobao.connector.ts';
import { normaliseTaobaoTrade, taobaoTradesOf } from '../../src/modules/channels/taobao/taobao.normalise.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { PlatformEntry } from '../channels.bench.ts';

const APP = { appKey: '23456789', appSecret: 'taobao-bench-app-secret' };
const SHOP = { sellerId: '2206598765432', session: '6100f9f8e7d6c5b4a3' };
const PULL_METHOD = 'taobao.trades.sold.increment.get';
const connector = taobaoConnector({ clock: systemClock });

/**
 * Taobao/Tmall (TOP): taobao.trades.sold.increment.get pages (newest first, so the connector reads
 * page 1 for the count and then every page from the last back: page 1 is captured twice); TMC
 * messages, one signed JSON object per POST, confirmed with `tmc_message_confirm_response`.
 */
export const taobao: PlatformEntry = {
  async startSandbox({ seed, webhookUrl }) {
    const sandbox = await startTaobaoSandbox({
      apps: [{ ...APP, shops: [SHOP] }],
      seed,
      recordRequests: false,
      tmc: { url: webhookUrl, ...APP },
    });
    return {
      shop: {
        tenantId: 'bench',
        shopId: 'tb-bench',
        channel: 'taobao',
        channelShopId: SHOP.sellerId,
        ...APP,
        accessToken: SHOP.session,
        apiBaseUrl: sandbox.url,
      },
      generateOrders: (count, at, spreadMs) => void sandbox.generateOrders(count, at, { spreadSeconds: spreadMs / 1000 }),
      listedOrders: () => sandbox.store.tradesOf(SHOP.sellerId).length,
      pushEvents: async () => {
        const report = await sandbox.pushEvents();
        if (report.failedPosts > 0) throw new Error(`sandbox TMC: ${report.failedPosts} POSTs not confirmed`);
      },
      close: () => sandbox.close(),
    };
  },
  maxWindowMs: connector.maxWindowMs,
  pushAccepted: connector.replies.accepted,
  async fetchPages(shop, window, deps) {
    for await (const _page of taobaoConnector(deps).pullWindow(shop, window)) {
      // pages are captured by deps.fetch
    }
  },
  // What callTop + pullWindow do with a page: big-integer-safe parse, unwrap the response member, normalise.
  normalisePage(text, shop, ids) {
    const trades = taobaoTradesOf(topResponseOf(parseTopJson(text), PULL_METHOD, shop.channel));
    for (const raw of trades) {
      const order = normaliseTaobaoTrade(raw, { shopId: shop.shopId, channel: 'taobao' });
      ids?.add(order.channelOrderId);
    }
    return trades.length;
  },
  verifyAndParsePush(push, shop) {
    if (!connector.verifyPush(shop, push)) throw new Error('TMC sign did not verify');
    return connector.parsePush(shop, push).length;
  },
  plainPageOrders: (parsed) =>
    ((parsed as { trades_sold_increment_get_response?: { trades?: { trade?: unknown[] } } }).trades_sold_increment_get_response?.trades?.trade ?? []).length,
  plainPushMessages: (parsed) => (Array.isArray(parsed) ? parsed.length : 1),
};
