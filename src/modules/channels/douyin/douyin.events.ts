import type { ChannelStatus } from '../../orders/orders.input.ts';
import { isRecord } from '../channels.normalise.ts';
import { douyinId, optionalFen, optionalInt, parseDouyinJson, unixToIso } from './douyin.normalise.ts';
import {
  DouyinPayloadError,
  type DouyinRefund,
  type DouyinRefundEventData,
  type DouyinTradeEventData,
  type DouyinWebhookMessage,
} from './douyin.types.ts';

/**
 * Douyin webhook messages (消息推送) → what happened to which order. A message says little: the
 * status a tag implies, when, and for refunds the after-sale request; the full order is fetched
 * with order.orderDetail when needed.
 */

export interface DouyinEvent {
  /** msgId, the de-duplication key. */
  messageId: string;
  tag: number;
  kind: 'trade' | 'refund';
  /** The shop order id (p_id). */
  channelOrderId: string;
  /** The SKU order ids the message names (s_ids, or s_id for refunds). */
  skuOrderIds: string[];
  /** Douyin's shop id, which the caller maps to its own shop. */
  shopId: string;
  /** The canonical status the tag implies; undefined when the tag implies none. */
  status?: ChannelStatus;
  /** `order_status` when the message carries it. */
  channelStatus?: string;
  occurredAt?: string;
  refund?: DouyinRefund;
}

/** Trade tags (SOURCE.md) and the status each implies. */
const tradeTags: Readonly<Record<number, { name: string; status?: ChannelStatus }>> = {
  100: { name: 'created', status: 'created' }, // 订单创建
  103: { name: 'completed', status: 'closed' }, // 交易完成
  106: { name: 'cancelled', status: 'cancelled' }, // 订单取消
  108: { name: 'partly shipped', status: 'shipped' }, // 部分发货
  109: { name: 'amount changed' }, // 改价
  110: { name: 'paid', status: 'paid' }, // 订单支付
  111: { name: 'address change applied' }, // 买家收货信息变更申请
  112: { name: 'appointment' }, // 预约发货
  113: { name: 'memo modified' }, // 商家备注变更
};

/** Refund tags (SOURCE.md); none implies an order status, the after-sale has its own. */
const refundTags: Readonly<Record<number, string>> = {
  200: 'created', // 买家发起售后
  201: 'return agreed',
  202: 'return application agreed',
  203: 'buyer returned goods',
  204: 'refused',
  205: 'return application refused',
  206: 'refund succeeded',
  207: 'closed',
  208: 'modified',
  209: 'expiry changed',
  211: 'exchange confirmed',
};

/** Each message carries the one time field of its event; the first present is when it happened. */
const tradeTimeFields = ['create_time', 'pay_time', 'cancel_time', 'complete_time', 'update_time', 'modify_time', 'apply_time'] as const;
const refundTimeFields = ['apply_time', 'agree_time', 'return_time', 'refuse_time', 'success_time', 'close_time', 'modify_time'] as const;

function malformed(path: string, message: string): never {
  throw new DouyinPayloadError('DOUYIN_MALFORMED_PAYLOAD', path, message);
}

/**
 * Listed tags decide the kind; other 1xx/2xx tags follow their range; anything else (the samples
 * include a tag 0 "TradePending" message) is read by what its data carries.
 */
function kindOf(tag: number, data: Record<string, unknown>, path: string): DouyinEvent['kind'] {
  if (tag in tradeTags) return 'trade';
  if (tag in refundTags) return 'refund';
  if (tag >= 100 && tag < 200) return 'trade';
  if (tag >= 200 && tag < 300) return 'refund';
  if (data.aftersale_id !== undefined) return 'refund';
  if (data.p_id !== undefined) return 'trade';
  throw new DouyinPayloadError('DOUYIN_UNSUPPORTED_EVENT', `${path}.tag`, `tag ${tag} is neither a trade nor a refund message`);
}

function firstTime(data: Record<string, unknown>, fields: readonly string[], path: string): string | undefined {
  for (const field of fields) {
    const at = unixToIso(data[field], `${path}.${field}`);
    if (at) return at;
  }
  return undefined;
}

function dataOf(message: DouyinWebhookMessage, path: string): Record<string, unknown> {
  const data = typeof message.data === 'string' ? parseDouyinJson(message.data) : message.data;
  return isRecord(data) ? data : malformed(`${path}.data`, 'must be an object');
}

function parseMessage(message: unknown, path: string): DouyinEvent {
  if (!isRecord(message)) return malformed(path, 'must be an object');
  const m = message as DouyinWebhookMessage;
  const tag = optionalInt(m.tag, `${path}.tag`) ?? malformed(`${path}.tag`, 'missing');
  const msgId = m.msgId ?? m.msg_id;
  const messageId = typeof msgId === 'string' && msgId.trim() ? msgId.trim() : malformed(`${path}.msgId`, 'missing');
  const data = dataOf(m, path);
  const at = `${path}.data`;
  const kind = kindOf(tag, data, path);
  const channelOrderId = douyinId(data.p_id, `${at}.p_id`);
  const shopId = douyinId(data.shop_id, `${at}.shop_id`);

  if (kind === 'trade') {
    const d = data as DouyinTradeEventData;
    const sIds = Array.isArray(d.s_ids) ? d.s_ids : [];
    const orderStatus = optionalInt(d.order_status, `${at}.order_status`);
    return {
      messageId,
      tag,
      kind,
      channelOrderId,
      skuOrderIds: sIds.map((id, i) => douyinId(id, `${at}.s_ids[${i}]`)),
      shopId,
      status: tradeTags[tag]?.status,
      channelStatus: orderStatus === undefined ? undefined : String(orderStatus),
      occurredAt: firstTime(data, tradeTimeFields, at),
    };
  }

  const d = data as DouyinRefundEventData;
  const skuOrderIds = d.s_id === undefined ? [] : [douyinId(d.s_id, `${at}.s_id`)];
  const refund: DouyinRefund = {
    refundId: douyinId(d.aftersale_id, `${at}.aftersale_id`),
    channelOrderId,
    skuOrderIds,
    amountFen: optionalFen(d.refund_amount, `${at}.refund_amount`),
    shippingFen: optionalFen(d.refund_post_amount, `${at}.refund_post_amount`),
    aftersaleType: optionalInt(d.aftersale_type, `${at}.aftersale_type`),
    aftersaleStatus: optionalInt(d.aftersale_status, `${at}.aftersale_status`),
    reasonCode: optionalInt(d.reason_code, `${at}.reason_code`),
    appliedAt: unixToIso(d.apply_time, `${at}.apply_time`),
    deadlineAt: unixToIso(d.status_deadline, `${at}.status_deadline`),
  };
  return { messageId, tag, kind, channelOrderId, skuOrderIds, shopId, occurredAt: firstTime(data, refundTimeFields, at), refund };
}

/**
 * A webhook body → its events, in order. The body is the raw text (or bytes) Douyin posted, read
 * with parseDouyinJson so long ids survive; an already-parsed value is accepted too. Douyin posts an
 * array; a single message object (as in the documentation samples) is read as an array of one.
 * Throws DouyinPayloadError naming the first message it cannot read.
 */
export function parseDouyinEvents(rawBody: string | Uint8Array | unknown): DouyinEvent[] {
  const body =
    typeof rawBody === 'string' ? parseDouyinJson(rawBody) : rawBody instanceof Uint8Array ? parseDouyinJson(new TextDecoder().decode(rawBody)) : rawBody;
  if (Array.isArray(body)) return body.map((message, i) => parseMessage(message, `[${i}]`));
  if (isRecord(body)) return [parseMessage(body, '[0]')];
  return malformed('', 'body must be a JSON array of messages');
}
