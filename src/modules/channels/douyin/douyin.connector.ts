import { douyinCarrierCode } from './douyin.carriers.ts';
import { ChannelApiError, ChannelPayloadError, retryableWhen, type ChannelConnector, type ChannelMessage, type ConnectorDeps, type StockLevel, type TimeWindow } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import type { OrderInput } from '../../orders/orders.input.ts';
import { toUnixSeconds } from '../../../platform/time/instants.ts';
import { callDouyin } from './douyin.client.ts';
import { parseDouyinEvents } from './douyin.events.ts';
import { douyinResponseData, douyinShopOrdersOf, normaliseDouyinOrder } from './douyin.normalise.ts';
import { verifyDouyinEvent } from './douyin.sign.ts';

const PAGE_SIZE = 100;

/** An order Douyin does not let ship yet (105, still in its risk check) may ship later. */
const shipmentMayPass = (err: ChannelApiError) => err.code === '50002' && err.detail.includes('order-status-not-shippable');

/**
 * Douyin shop (抖店): pull with order.searchList over update-time windows, paging from 0 in
 * ascending update order; push messages signed with `event-sign`; stock via sku.syncStock;
 * shipments via order.logisticsAdd.
 */
export function douyinConnector(deps: ConnectorDeps): ChannelConnector {
  return {
    channel: 'douyin',
    maxWindowMs: 24 * 60 * 60_000,
    // Douyin retries a push until it gets {"code":0}; anything else is an error reply.
    replies: {
      accepted: { status: 200, body: { code: 0, msg: 'success' } },
      badSignature: { status: 401, body: { code: 40004, msg: 'event-sign verification failed' } },
      malformed: { status: 400, body: { code: 40001, msg: 'malformed message body' } },
      retryLater: { status: 503, body: { code: 50300, msg: 'temporarily unavailable, deliver again' } },
    },

    async *pullWindow(shop: ShopCredentials, window: TimeWindow): AsyncIterable<OrderInput[]> {
      for (let page = 0; ; page++) {
        const body = await callDouyin(shop, 'order.searchList', {
          update_time_start: toUnixSeconds(window.from),
          update_time_end: toUnixSeconds(window.to),
          order_by: 'update_time',
          order_asc: true,
          page,
          size: PAGE_SIZE,
        }, deps);
        const data = douyinResponseData(body);
        const orders = douyinShopOrdersOf(body).map((raw) => normaliseDouyinOrder(raw, { shopId: shop.shopId }));
        if (orders.length > 0) yield orders;
        const total = Number(data.total ?? 0);
        if (orders.length < PAGE_SIZE || (page + 1) * PAGE_SIZE >= total) return;
      }
    },

    async fetchOrder(shop, channelOrderId) {
      const body = await callDouyin(shop, 'order.orderDetail', { shop_order_id: channelOrderId }, deps);
      const raw = douyinShopOrdersOf(body)[0];
      return raw ? normaliseDouyinOrder(raw, { shopId: shop.shopId }) : null;
    },

    verifyPush(shop, request) {
      return verifyDouyinEvent(shop.appKey, shop.appSecret, request.rawBody, request.headers['event-sign']);
    },

    parsePush(_shop, request): ChannelMessage[] {
      const events = parseDouyinEvents(request.rawBody);
      if (events.length === 0) throw new ChannelPayloadError('no messages in the body');
      return events.map((e) => ({
        messageId: e.messageId,
        kind: e.kind,
        channelShopId: e.shopId,
        channelOrderId: e.channelOrderId,
        status: e.status,
      }));
    },

    async pushStock(shop, levels: StockLevel[]) {
      for (const level of levels) {
        // A full set (not incremental): the latest figure wins, so a repeat is harmless.
        douyinResponseData(await callDouyin(shop, 'sku.syncStock', { code: level.sku, stock_num: level.quantity, incremental: false }, deps));
      }
    },

    async writeBackShipment(shop, shipment) {
      await retryableWhen(shipmentMayPass, async () => douyinResponseData(await callDouyin(shop, 'order.logisticsAdd', {
        order_id: shipment.channelOrderId,
        company_code: douyinCarrierCode(shipment.carrierCode),
        logistics_code: shipment.trackingNumber,
      }, deps)));
    },
  };
}
