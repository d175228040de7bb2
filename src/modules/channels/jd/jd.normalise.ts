import type { ChannelHold, ChannelStatus, OrderInput } from '../../orders/orders.input.ts';
import { CHINA_ZONE } from '../../../platform/time/wall-clock.ts';
import { chinaTimeToIso, cnyAmounts, isRecord, memo, text, yuanToFen, withTimeConversions } from '../channels.normalise.ts';
import { ChannelPayloadError } from '../connector.ts';

/**
 * JD POP orders (京东 jingdong.pop.order.enSearch / enGet) → the platform's canonical order input.
 *
 * Money: JD sends yuan strings; each is read with decimalToMinor (never a float). Goods are
 * Σ jdPrice × itemTotal (itemTotal is JD's quantity), shipping is `freightPrice`, the total is
 * `orderPayment` (what the buyer pays), and the discount is derived, goods + shipping − total, so
 * the canonical identity holds by construction; a negative remainder is refused, not guessed at.
 *
 * Times: `yyyy-MM-dd HH:mm:ss` on the GMT+8 wall clock.
 *
 * Status: LOCKED (锁定, e.g. a pending after-sale or risk check) and POP_ORDER_PAUSE (暂停) are paid
 * orders the shop must not ship yet: they read as `paid` with the tag `jd_locked` and the hold
 * `locked` / `paused` (stock taken, nothing sent to a warehouse), and the channel status keeps the JD word. JD's POP search does not return unpaid orders in these states, so the
 * OMS never sees a JD order as `created`.
 */

export const JD_STATUS: Readonly<Record<string, ChannelStatus>> = {
  WAIT_SELLER_STOCK_OUT: 'paid',
  WAIT_SELLER_DELIVERY: 'paid',
  WAIT_GOODS_RECEIVE_CONFIRM: 'shipped',
  FINISHED_L: 'closed',
  TRADE_CANCELED: 'cancelled',
  LOCKED: 'paid',
  POP_ORDER_PAUSE: 'paid',
};
export const JD_LOCKED_STATES = new Set(['LOCKED', 'POP_ORDER_PAUSE']);
const JD_HOLDS: Readonly<Record<string, ChannelHold>> = { LOCKED: 'locked', POP_ORDER_PAUSE: 'paused' };
export const JD_LOCKED_TAG = 'jd_locked';

function malformed(path: string, message: string): never {
  throw new ChannelPayloadError(`jd order ${path}: ${message}`, { path });
}

/** An id as a digit string; a number is accepted only while exact. */
export function jdId(value: unknown, path: string): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) malformed(path, 'id was read as an inexact number');
    return String(value);
  }
  const s = text(value);
  if (!s || !/^\d+$/.test(s)) return malformed(path, 'must be a string of digits');
  return s;
}

function yuan(value: unknown, path: string, required = true): number {
  return yuanToFen(value, path, malformed) ?? (required ? malformed(path, 'missing') : 0);
}

const wallTime = (value: unknown, path: string) => chinaTimeToIso(value, path, malformed);

export function jdChannelStatus(state: unknown): { status: ChannelStatus; channelStatus: string } {
  const s = text(state);
  const status = s ? JD_STATUS[s] : undefined;
  if (!s || !status) return malformed('orderState', `unknown state ${JSON.stringify(state)}`);
  return { status, channelStatus: s };
}

type Line = OrderInput['lines'][number];

function lineOf(item: unknown, path: string): Line {
  if (!isRecord(item)) return malformed(path, 'must be an object');
  const quantity = Number(text(item.itemTotal));
  if (!Number.isSafeInteger(quantity) || quantity < 1) malformed(`${path}.itemTotal`, 'must be a positive integer');
  const skuId = jdId(item.skuId, `${path}.skuId`);
  const title = text(item.skuName);
  return {
    // The merchant's code (商家编码) when set, else JD's skuId.
    sku: text(item.outerSkuId) ?? skuId,
    title: title?.slice(0, 200),
    channelLineId: skuId,
    quantity,
    unitPriceFen: yuan(item.jdPrice, `${path}.jdPrice`),
  };
}

function receiverOf(order: Record<string, unknown>): OrderInput['receiver'] {
  const c = isRecord(order.consigneeInfo) ? order.consigneeInfo : malformed('consigneeInfo', 'missing');
  const need = (key: string) => text(c[key]) ?? malformed(`consigneeInfo.${key}`, 'missing');
  const code = (key: string) => {
    const s = text(c[key]);
    return s && /^\d{2,12}$/.test(s) ? s : undefined;
  };
  const town = text(c.town);
  const full = need('fullAddress');
  return {
    name: need('fullname'),
    phone: need('mobile'),
    country: 'CN',
    province: need('province'),
    city: need('city'),
    district: text(c.county),
    address: full,
    provinceCode: code('provinceId'),
    cityCode: code('cityId'),
    districtCode: code('countyId'),
    ...(town && !full.includes(town) ? { address: town + full } : {}),
  };
}

/** One JD order (an element of `orderInfoList`, or enGet's `orderInfo`) → the canonical order input. */
export function normaliseJdOrder(raw: unknown, shop: { shopId: string }): OrderInput {
  if (!isRecord(raw)) return malformed('', 'must be an object');
  const items = raw.itemInfoList;
  if (!Array.isArray(items) || items.length === 0) return malformed('itemInfoList', 'must list at least one item');
  const lines = items.map((item, i) => lineOf(item, `itemInfoList[${i}]`));
  // The same SKU twice on one order (gift + paid) would collide on channelLineId: number them.
  const seen = new Map<string, number>();
  for (const line of lines) {
    const n = (seen.get(line.channelLineId as string) ?? 0) + 1;
    seen.set(line.channelLineId as string, n);
    if (n > 1) line.channelLineId = `${line.channelLineId}-${n}`;
  }
  const goodsFen = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceFen, 0);
  const shippingFen = yuan(raw.freightPrice, 'freightPrice', false);
  const totalFen = yuan(raw.orderPayment, 'orderPayment');
  const amounts = cnyAmounts(goodsFen, shippingFen, totalFen, () => malformed('orderPayment', `paid ${totalFen} exceeds goods ${goodsFen} + freight ${shippingFen}`));
  const state = jdChannelStatus(raw.orderState);
  const orderedAt = wallTime(raw.orderStartTime, 'orderStartTime') ?? malformed('orderStartTime', 'missing');
  const paidAt = wallTime(raw.paymentConfirmTime, 'paymentConfirmTime');
  return withTimeConversions({
    channel: 'jd',
    shopId: shop.shopId,
    channelOrderId: jdId(raw.orderId, 'orderId'),
    ...state,
    ...(JD_HOLDS[state.channelStatus] ? { channelHold: JD_HOLDS[state.channelStatus] } : {}),
    ...amounts,
    receiver: receiverOf(raw),
    tags: JD_LOCKED_STATES.has(state.channelStatus) ? [JD_LOCKED_TAG] : [],
    buyerMessage: memo(raw.orderRemark),
    sellerMemo: memo(raw.venderRemark),
    orderedAt,
    // JD orders are all paid by the time POP shows them; fall back to the order time if JD omits it.
    paidAt: paidAt ?? (state.status === 'cancelled' ? undefined : orderedAt),
    channelModifiedAt: wallTime(raw.modified, 'modified'),
    lines,
  }, CHINA_ZONE, { orderedAt: raw.orderStartTime, paidAt: raw.paymentConfirmTime, channelModifiedAt: raw.modified });
}

/** The orders of an enSearch answer (content under the `_responce` key) and JD's total count. */
export function jdSearchResult(content: Record<string, unknown>): { orders: unknown[]; total: number } {
  const result = isRecord(content.searchorderinfo_result) ? content.searchorderinfo_result : malformed('searchorderinfo_result', 'missing');
  const list = result.orderInfoList ?? [];
  if (!Array.isArray(list)) return malformed('searchorderinfo_result.orderInfoList', 'must be a list');
  const total = Number(result.orderTotal ?? list.length);
  return { orders: list, total: Number.isFinite(total) ? total : list.length };
}

/** enGet's order (under `orderDetailInfo.orderInfo`), or undefined when JD has none. */
export function jdDetailOrder(content: Record<string, unknown>): unknown {
  const detail = isRecord(content.orderDetailInfo) ? content.orderDetailInfo : undefined;
  return detail && isRecord(detail.orderInfo) ? detail.orderInfo : undefined;
}
