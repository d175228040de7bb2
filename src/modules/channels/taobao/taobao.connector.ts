import { ChannelApiError, ChannelPayloadError, retryableWhen, type ChannelConnector, type ChannelMessage, type ConnectorDeps, type StockLevel, type TimeWindow } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { isRecord } from '../channels.normalise.ts';
import type { OrderInput } from '../../orders/orders.input.ts';
import { callTop, parseTopJson } from './taobao.client.ts';
import { knownTaobaoStatus, normaliseTaobaoTrade, taobaoTradesOf, topId } from './taobao.normalise.ts';
import { topTimestamp, verifyTop } from './taobao.sign.ts';

const PAGE_SIZE = 100;

/** 当前交易状态不支持此操作: the trade may not ship yet (PAID_FORBID_CONSIGN), and may later. */
const shipmentMayPass = (err: ChannelApiError) => err.detail.includes('isv.logistics-offline-service-error');

/** The trade fields we read, for both the incremental list and fullinfo. */
export const TRADE_FIELDS = [
  'tid', 'status', 'type', 'step_trade_status', 'step_paid_fee', 'buyer_open_uid', 'oaid',
  'receiver_name', 'receiver_state', 'receiver_city', 'receiver_district', 'receiver_town', 'receiver_address',
  'receiver_zip', 'receiver_mobile', 'receiver_phone', 'pay_time', 'created', 'modified', 'consign_time', 'end_time',
  'payment', 'post_fee', 'discount_fee', 'total_fee', 'seller_memo', 'buyer_message', 'orders',
].join(',');


const channelOf = (shop: ShopCredentials): 'taobao' | 'tmall' => (shop.channel === 'tmall' ? 'tmall' : 'taobao');

/**
 * Taobao/Tmall (TOP). Pull with taobao.trades.sold.increment.get over `modified` windows of at most
 * one day; results come newest first, so the connector learns `total_results` from page 1 and then
 * reads from the last page back to the first (a trade modified during the pull leaves the window and
 * shifts older trades towards pages not yet read, never past them). Details with
 * taobao.trade.fullinfo.get. Push: TMC messages delivered over HTTP (see sandbox/README.md, Taobao),
 * each a JSON object of string members signed TOP-style in its `sign` member. Stock with
 * taobao.skus.custom.get (outer_id → num_iid, sku_id) then taobao.item.quantity.update (type=1, a
 * full set); shipments with taobao.logistics.offline.send.
 *
 * One instance serves one marketplace name: `taobaoConnector(deps)` for taobao shops,
 * `taobaoConnector(deps, 'tmall')` for Tmall shops (same protocol).
 */
export function taobaoConnector(deps: ConnectorDeps, channel: 'taobao' | 'tmall' = 'taobao'): ChannelConnector {
  const numIids = new Map<string, { numIid: string; skuId?: string }>();
  return {
    channel,
    maxWindowMs: 24 * 60 * 60_000,
    replies: {
      accepted: { status: 200, body: { tmc_message_confirm_response: { is_success: true } } },
      badSignature: { status: 401, body: { error_response: { code: 25, msg: 'Invalid signature' } } },
      malformed: { status: 400, body: { error_response: { code: 41, msg: 'Invalid arguments', sub_msg: 'malformed TMC message' } } },
      retryLater: { status: 503, body: { error_response: { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-unavailable' } } },
    },

    async *pullWindow(shop: ShopCredentials, window: TimeWindow): AsyncIterable<OrderInput[]> {
      const page = async (pageNo: number) => {
        const response = await callTop(shop, 'taobao.trades.sold.increment.get', {
          fields: TRADE_FIELDS,
          start_modified: topTimestamp(window.from),
          end_modified: topTimestamp(window.to),
          page_no: pageNo,
          page_size: PAGE_SIZE,
          use_has_next: false,
        }, deps);
        const trades = taobaoTradesOf(response).map((t) => normaliseTaobaoTrade(t, { shopId: shop.shopId, channel: channelOf(shop) }));
        return { total: Number(response.total_results ?? 0), trades };
      };
      const first = await page(1);
      const lastPage = Math.ceil(first.total / PAGE_SIZE);
      if (lastPage <= 1) {
        if (first.trades.length > 0) yield first.trades;
        return;
      }
      // Newest first: read from the last page back; page 1 is read again last, as it is now.
      for (let pageNo = lastPage; pageNo >= 1; pageNo--) {
        const { trades } = await page(pageNo);
        if (trades.length > 0) yield trades;
      }
    },

    async fetchOrder(shop, channelOrderId) {
      const response = await callTop(shop, 'taobao.trade.fullinfo.get', { tid: channelOrderId, fields: TRADE_FIELDS }, deps);
      return isRecord(response.trade) ? normaliseTaobaoTrade(response.trade, { shopId: shop.shopId, channel: channelOf(shop) }) : null;
    },

    verifyPush(shop, request) {
      let message: unknown;
      try {
        message = JSON.parse(request.rawBody);
      } catch {
        return false;
      }
      if (!isRecord(message) || Object.values(message).some((v) => typeof v !== 'string')) return false;
      return verifyTop(message as Record<string, string>, shop.appSecret);
    },

    parsePush(_shop, request): ChannelMessage[] {
      let message: unknown;
      try {
        message = parseTopJson(request.rawBody);
      } catch {
        throw new ChannelPayloadError('TMC message is not JSON');
      }
      if (!isRecord(message)) throw new ChannelPayloadError('TMC message must be a JSON object');
      const topic = typeof message.topic === 'string' ? message.topic : '';
      const messageId = typeof message.message_id === 'string' ? message.message_id.trim() : '';
      const userId = typeof message.user_id === 'string' ? message.user_id.trim() : '';
      if (!/^taobao_(trade|refund)_\w+$/.test(topic)) throw new ChannelPayloadError(`unknown TMC topic ${JSON.stringify(topic)}`);
      if (!messageId || !userId) throw new ChannelPayloadError('TMC message lacks message_id or user_id');
      let tid: string;
      try {
        tid = topId(message.tid, 'tid');
      } catch {
        throw new ChannelPayloadError('TMC message lacks tid');
      }
      const status = knownTaobaoStatus(message.status);
      return [{
        messageId,
        kind: topic.startsWith('taobao_refund_') ? 'refund' : 'trade',
        channelShopId: userId,
        channelOrderId: tid,
        ...(status ? { status } : {}),
      }];
    },

    async pushStock(shop, levels: StockLevel[]) {
      for (const level of levels) {
        const key = `${shop.shopId}\u0000${level.sku}`;
        let target = numIids.get(key);
        if (!target) {
          const found = await callTop(shop, 'taobao.skus.custom.get', { outer_id: level.sku, fields: 'sku_id,num_iid,outer_id' }, deps);
          const holder = found.skus;
          const list = isRecord(holder) ? holder.sku : holder;
          const first = Array.isArray(list) && isRecord(list[0]) ? list[0] : undefined;
          if (!first) continue; // not sold on this shop: nothing to set
          target = { numIid: topId(first.num_iid, 'num_iid'), skuId: first.sku_id === undefined ? undefined : topId(first.sku_id, 'sku_id') };
          numIids.set(key, target);
        }
        // type=1: a full set, so a repeat is harmless and the latest figure wins.
        await callTop(shop, 'taobao.item.quantity.update', {
          num_iid: target.numIid,
          sku_id: target.skuId,
          outer_id: target.skuId ? undefined : level.sku,
          quantity: level.quantity,
          type: 1,
        }, deps);
      }
    },

    async writeBackShipment(shop, shipment) {
      await retryableWhen(shipmentMayPass, () => callTop(shop, 'taobao.logistics.offline.send', {
        tid: shipment.channelOrderId,
        out_sid: shipment.trackingNumber,
        company_code: shipment.carrierCode,
      }, deps));
    },
  };
}
