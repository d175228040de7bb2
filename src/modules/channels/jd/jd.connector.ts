import { formatWallClock } from '../../../platform/time/wall-clock.ts';
import type { OrderInput } from '../../orders/orders.input.ts';
import { ChannelApiError, ChannelPayloadError, retryableWhen, type ChannelConnector, type ChannelMessage, type ConnectorDeps, type TimeWindow } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { callJd, parseJdJson } from './jd.client.ts';
import { isRecord } from '../channels.normalise.ts';
import { jdChannelStatus, jdDetailOrder, jdId, jdSearchResult, normaliseJdOrder } from './jd.normalise.ts';
import { verifyJd } from './jd.sign.ts';

const PAGE_SIZE = 100;
/** Every state the connector asks for: all of JD's POP states (unpaid orders are never listed). */
export const JD_ORDER_STATES = 'WAIT_SELLER_STOCK_OUT,WAIT_SELLER_DELIVERY,WAIT_GOODS_RECEIVE_CONFIRM,FINISHED_L,TRADE_CANCELED,LOCKED,POP_ORDER_PAUSE';
const OPTIONAL_FIELDS =
  'orderId,venderId,orderState,orderTotalPrice,orderSellerPrice,orderPayment,freightPrice,paymentConfirmTime,orderStartTime,modified,venderRemark,orderRemark,consigneeInfo,itemInfoList';
/** The method name the push delivery is signed under (ours: JD's JMQ is not HTTP). */
export const JD_PUSH_METHOD = 'jingdong.pop.order.changed';

/** 订单状态…不允许出库: a LOCKED or paused order may not ship yet, and may once JD lifts it. */
const shipmentMayPass = (err: ChannelApiError) => /订单状态|order in state/.test(err.detail);

/**
 * JD (京东 POP, 宙斯/JOS): pull with jingdong.pop.order.enSearch over modified-time windows, pages
 * from 1; fetch with enGet; stock via jingdong.stock.write.updateSkuStock after looking the
 * merchant code up with jingdong.sku.read.searchSkuList; shipments via jingdong.pop.order.shipment.
 *
 * Push: JD's order messages travel over JMQ, not HTTP. A relay (or the sandbox) POSTs each message
 * to our webhook as `{"order_id","order_state","modified","message_id","vender_id"}`, with the JD
 * request rule over it: query `app_key, method=jingdong.pop.order.changed, timestamp, v=2.0, sign`,
 * the raw body signed as `360buy_param_json`. The connector then fetches the order with enGet.
 */
export function jdConnector(deps: ConnectorDeps): ChannelConnector {
  const skuIds = new Map<string, string>();

  async function skuIdOf(shop: ShopCredentials, outerSkuId: string): Promise<string> {
    const key = `${shop.tenantId}:${shop.shopId}:${outerSkuId}`;
    const known = skuIds.get(key);
    if (known) return known;
    const content = await callJd(shop, 'jingdong.sku.read.searchSkuList', { outerId: outerSkuId, page: 1, pageSize: 10 }, deps);
    const page = isRecord(content.page) ? content.page : {};
    const data = Array.isArray(page.data) ? page.data.filter(isRecord) : [];
    const hit = data.find((s) => s.outerId === outerSkuId);
    if (!hit) throw new ChannelApiError('jd', 'sku_not_found', `no JD sku with outerId ${outerSkuId}`, false);
    const skuId = jdId(hit.skuId, 'skuId');
    skuIds.set(key, skuId);
    return skuId;
  }

  return {
    channel: 'jd',
    // The sandbox accepts up to 30 days (see sandbox/jd); one day keeps each window's pages few.
    maxWindowMs: 24 * 60 * 60_000,
    replies: {
      accepted: { status: 200, body: { code: '0', zh_desc: '成功', en_desc: 'success' } },
      badSignature: { status: 401, body: { error_response: { code: '19', zh_desc: '无效签名', en_desc: 'Invalid signature' } } },
      malformed: { status: 400, body: { error_response: { code: '400', zh_desc: '消息格式错误', en_desc: 'Malformed message' } } },
      retryLater: { status: 503, body: { error_response: { code: '503', zh_desc: '暂不可用，请重新投递', en_desc: 'Temporarily unavailable, deliver again' } } },
    },

    async *pullWindow(shop: ShopCredentials, window: TimeWindow): AsyncIterable<OrderInput[]> {
      let seen = 0;
      for (let page = 1; ; page++) {
        const content = await callJd(shop, 'jingdong.pop.order.enSearch', {
          start_date: formatWallClock(window.from),
          end_date: formatWallClock(window.to),
          order_state: JD_ORDER_STATES,
          optional_fields: OPTIONAL_FIELDS,
          page: String(page),
          page_size: String(PAGE_SIZE),
        }, deps);
        const { orders, total } = jdSearchResult(content);
        seen += orders.length;
        if (orders.length > 0) yield orders.map((raw) => normaliseJdOrder(raw, { shopId: shop.shopId }));
        if (orders.length === 0 || seen >= total) return;
      }
    },

    async fetchOrder(shop, channelOrderId) {
      const content = await callJd(shop, 'jingdong.pop.order.enGet', { order_id: channelOrderId, optional_fields: OPTIONAL_FIELDS }, deps);
      const raw = jdDetailOrder(content);
      return raw ? normaliseJdOrder(raw, { shopId: shop.shopId }) : null;
    },

    verifyPush(shop, request) {
      const q = request.query;
      if (q.app_key !== shop.appKey || q.method !== JD_PUSH_METHOD) return false;
      return verifyJd({ ...q, '360buy_param_json': request.rawBody }, shop.appSecret);
    },

    signedTime: (request) => ({ value: request.query.timestamp, format: 'china-wall-clock' }),

    parsePush(_shop, request): ChannelMessage[] {
      let body: unknown;
      try {
        body = parseJdJson(request.rawBody);
      } catch {
        throw new ChannelPayloadError('body is not JSON');
      }
      const list = Array.isArray(body) ? body : [body];
      if (list.length === 0) throw new ChannelPayloadError('no messages in the body');
      return list.map((m, i) => {
        if (!isRecord(m)) throw new ChannelPayloadError(`message ${i} is not an object`);
        const messageId = typeof m.message_id === 'string' && m.message_id ? m.message_id : undefined;
        if (!messageId) throw new ChannelPayloadError(`message ${i} has no message_id`);
        try {
          return {
            messageId,
            kind: 'trade' as const,
            channelShopId: jdId(m.vender_id, 'vender_id'),
            channelOrderId: jdId(m.order_id, 'order_id'),
            status: jdChannelStatus(m.order_state).status,
          };
        } catch (err) {
          throw err instanceof ChannelPayloadError ? err : new ChannelPayloadError(String(err));
        }
      });
    },

    async pushStock(shop, levels) {
      for (const level of levels) {
        const skuId = await skuIdOf(shop, level.sku);
        // A full set, not a delta: repeating it is harmless. storeId left out = the shop's default stock.
        await callJd(shop, 'jingdong.stock.write.updateSkuStock', { skuId, stockNum: level.quantity }, deps);
      }
    },

    async writeBackShipment(shop, shipment) {
      await retryableWhen(shipmentMayPass, () => callJd(shop, 'jingdong.pop.order.shipment', {
        orderId: shipment.channelOrderId,
        logiCoprId: shipment.carrierCode,
        logiNo: shipment.trackingNumber,
      }, deps));
    },
  };
}
