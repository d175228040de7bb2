import { toUnixSeconds } from '../../../platform/time/instants.ts';
import type { OrderInput } from '../../orders/orders.input.ts';
import { ChannelApiError, ChannelPayloadError, retryableWhen, type ChannelConnector, type ChannelMessage, type ConnectorDeps, type InboundRequest, type TimeWindow } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { callPdd } from './pdd.client.ts';
import { normalisePddOrder, pddIncrementPage, pddOrderInfo } from './pdd.normalise.ts';
import { verifyPdd } from './pdd.sign.ts';

const PAGE_SIZE = 100;

/** An order PDD does not let ship yet (under its risk review) may ship later. */
const shipmentMayPass = (err: ChannelApiError) => err.code.endsWith('/order_not_shippable');

/**
 * Our HTTP form of PDD's message service (PDD itself pushes over a websocket, which the platform
 * does not hold open): one message per POST, a flat JSON object of string/number fields
 * `{type, client_id, mall_id, order_sn, message_id, timestamp, sign}`, signed with the request rule
 * (MD5 of secret + sorted k/v + secret, upper hex) over every field but `sign`.
 */
export interface PddPushMessage {
  type: string;
  client_id: string;
  mall_id: string | number;
  order_sn: string;
  message_id: string;
  timestamp: string | number;
  sign: string;
}

function pushFields(rawBody: string): Record<string, string | number> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))) out[k] = v;
    else return null;
  }
  return out;
}

/**
 * Pinduoduo (拼多多): pull with pdd.order.number.list.increment.get over update-time windows of at
 * most 30 minutes, pages from 1 while `has_next`; push as above (the order is fetched with
 * pdd.order.information.get); stock via pdd.goods.quantity.update by outer_id; shipments via
 * pdd.logistics.online.send.
 */
export function pddConnector(deps: ConnectorDeps): ChannelConnector {
  return {
    channel: 'pdd',
    maxWindowMs: 30 * 60_000,
    // Replies in PDD's own envelope: success is a `<name>_response` object, failure `error_response`.
    replies: {
      accepted: { status: 200, body: { message_ack_response: { success: true } } },
      badSignature: { status: 401, body: { error_response: { error_code: 10016, error_msg: 'sign check failed', sub_code: 'sign_invalid' } } },
      malformed: { status: 400, body: { error_response: { error_code: 10000, error_msg: 'malformed message', sub_code: 'param_invalid' } } },
      retryLater: { status: 503, body: { error_response: { error_code: 50000, error_msg: 'temporarily unavailable, deliver again', sub_code: 'retry_later' } } },
    },

    async *pullWindow(shop: ShopCredentials, window: TimeWindow): AsyncIterable<OrderInput[]> {
      for (let page = 1; ; page++) {
        const body = await callPdd(shop, 'pdd.order.number.list.increment.get', {
          start_updated_at: toUnixSeconds(window.from),
          end_updated_at: toUnixSeconds(window.to),
          is_lucky_flag: 0,
          order_status: 5,
          refund_status: 5,
          page,
          page_size: PAGE_SIZE,
        }, deps);
        const { orders, hasNext } = pddIncrementPage(body);
        const normalised = orders.map((raw) => normalisePddOrder(raw, { shopId: shop.shopId }));
        if (normalised.length > 0) yield normalised;
        if (!hasNext || orders.length === 0) return;
      }
    },

    async fetchOrder(shop, channelOrderId) {
      const raw = pddOrderInfo(await callPdd(shop, 'pdd.order.information.get', { order_sn: channelOrderId }, deps));
      return raw ? normalisePddOrder(raw, { shopId: shop.shopId }) : null;
    },

    verifyPush(shop, request: InboundRequest) {
      const fields = pushFields(request.rawBody);
      // A body we cannot read cannot carry a signature we can check.
      if (!fields || String(fields.client_id ?? '') !== shop.appKey) return false;
      return verifyPdd(fields, shop.appSecret);
    },

    signedTime: (request) => ({ value: pushFields(request.rawBody)?.timestamp, format: 'unix-seconds' }),

    parsePush(_shop, request): ChannelMessage[] {
      const fields = pushFields(request.rawBody);
      if (!fields) throw new ChannelPayloadError('body is not a flat JSON object');
      const type = String(fields.type ?? '');
      const orderSn = String(fields.order_sn ?? '');
      const messageId = String(fields.message_id ?? '');
      const mallId = String(fields.mall_id ?? '');
      if (!/^pdd_(trade|refund)_\w+$/.test(type)) throw new ChannelPayloadError(`unknown message type ${JSON.stringify(type)}`);
      if (!orderSn || !messageId || !mallId) throw new ChannelPayloadError('message lacks order_sn, message_id or mall_id');
      return [{
        messageId,
        kind: type.startsWith('pdd_refund_') ? 'refund' : 'trade',
        channelShopId: mallId,
        channelOrderId: orderSn,
      }];
    },

    async pushStock(shop, levels) {
      for (const level of levels) {
        // update_type 1 sets the figure: the latest wins, so a repeat is harmless.
        const body = await callPdd(shop, 'pdd.goods.quantity.update', { outer_id: level.sku, quantity: level.quantity, update_type: 1 }, deps);
        const r = body.goods_quantity_update_response as { is_success?: unknown } | undefined;
        if (!r || r.is_success !== true) throw new ChannelApiError('pdd', 'not_success', `stock update for ${level.sku} not confirmed`, true);
      }
    },

    async writeBackShipment(shop, shipment) {
      const body = await retryableWhen(shipmentMayPass, () => callPdd(shop, 'pdd.logistics.online.send', {
        order_sn: shipment.channelOrderId,
        logistics_id: shipment.carrierCode,
        tracking_number: shipment.trackingNumber,
      }, deps));
      const r = body.logistics_online_send_response as { is_success?: unknown } | undefined;
      if (!r || r.is_success !== true) throw new ChannelApiError('pdd', 'not_success', `shipment of ${shipment.channelOrderId} not confirmed`, true);
    },
  };
}
