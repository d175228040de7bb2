import type { ChannelStatus, OrderInput } from '../../orders/orders.input.ts';
import { CHINA_ZONE } from '../../../platform/time/wall-clock.ts';
import { chinaTimeToIso, cnyAmounts, memo, yuanToFen, withTimeConversions } from '../channels.normalise.ts';
import { ChannelPayloadError } from '../connector.ts';

/**
 * Pinduoduo order (拼多多订单) → OrderInput. Money is yuan (numbers on the wire) converted to fen by
 * string arithmetic; times are `yyyy-MM-dd HH:mm:ss` Beijing time, turned into UTC instants.
 *
 * Status: PDD lists only paid orders (an unpaid order is invisible until paid), so there is no
 * `created`. `order_status` 1 待发货 → paid, 2 已发货待签收 → shipped, 3 已签收 → delivered.
 * A cancellation is a full refund: `refund_status` 4 (退款成功) before shipment → cancelled, after
 * shipment → closed. `refund_status` 2/3 (售后处理中/退款中) does not change the status.
 */

type Raw = Record<string, unknown>;

function field(raw: Raw, key: string): unknown {
  return raw[key];
}

function str(raw: Raw, key: string): string | undefined {
  const v = field(raw, key);
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function required(raw: Raw, key: string, path = key): string {
  const v = str(raw, key);
  if (v === undefined) throw new ChannelPayloadError(`missing ${path}`);
  return v;
}

function malformed(path: string, message: string): never {
  throw new ChannelPayloadError(`${path}: ${message}`);
}

/** A yuan number such as 12.3 is read as the string "12.3", by string arithmetic; absent is 0. */
function fen(raw: Raw, key: string, path = key): number {
  return yuanToFen(field(raw, key), path, malformed) ?? 0;
}

function time(raw: Raw, key: string): string | undefined {
  return chinaTimeToIso(str(raw, key), key, malformed);
}

function int(raw: Raw, key: string): number | undefined {
  const v = field(raw, key);
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

export function pddChannelStatus(orderStatus: unknown, refundStatus: unknown): { status: ChannelStatus; channelStatus: string } {
  const o = Number(orderStatus);
  const r = refundStatus === undefined || refundStatus === null || refundStatus === '' ? 1 : Number(refundStatus);
  if (![1, 2, 3].includes(o)) throw new ChannelPayloadError(`unknown order_status ${JSON.stringify(orderStatus)}`);
  if (![1, 2, 3, 4].includes(r)) throw new ChannelPayloadError(`unknown refund_status ${JSON.stringify(refundStatus)}`);
  const channelStatus = `order_status:${o},refund_status:${r}`;
  if (r === 4) return { status: o === 1 ? 'cancelled' : 'closed', channelStatus };
  return { status: o === 1 ? 'paid' : o === 2 ? 'shipped' : 'delivered', channelStatus };
}

export function normalisePddOrder(raw: unknown, context: { shopId: string }): OrderInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ChannelPayloadError('order is not an object');
  const order = raw as Raw;
  const orderSn = required(order, 'order_sn');
  const items = field(order, 'item_list');
  if (!Array.isArray(items) || items.length === 0) throw new ChannelPayloadError(`order ${orderSn}: item_list is empty`);
  const lines = items.map((item: unknown, i) => {
    if (!item || typeof item !== 'object') throw new ChannelPayloadError(`item_list[${i}] is not an object`);
    const it = item as Raw;
    const quantity = int(it, 'goods_count');
    if (quantity === undefined || quantity < 1) throw new ChannelPayloadError(`item_list[${i}].goods_count is not a positive integer`);
    // The merchant code is what the OMS knows a SKU by; without one, the platform ids stand in.
    const sku = str(it, 'outer_id') ?? str(it, 'outer_goods_id') ?? `pdd-${required(it, 'goods_id', `item_list[${i}].goods_id`)}-${str(it, 'sku_id') ?? '0'}`;
    return {
      sku,
      title: str(it, 'goods_name')?.slice(0, 200),
      channelLineId: str(it, 'sku_id'),
      quantity,
      unitPriceFen: fen(it, 'goods_price', `item_list[${i}].goods_price`),
    };
  });
  const goodsFen = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceFen, 0);
  const shippingFen = fen(order, 'postage');
  const totalFen = fen(order, 'pay_amount');
  // Whatever the buyer did not pay of goods plus postage was discounted (shop, platform, coupons).
  const amounts = cnyAmounts(goodsFen, shippingFen, totalFen, () => {
    throw new ChannelPayloadError(`order ${orderSn}: pay_amount exceeds goods plus postage`);
  });

  const { status, channelStatus } = pddChannelStatus(field(order, 'order_status'), field(order, 'refund_status'));
  const orderedAt = time(order, 'created_time');
  if (!orderedAt) throw new ChannelPayloadError(`order ${orderSn}: missing created_time`);
  const tags: string[] = [];
  const tradeType = int(order, 'trade_type') ?? 0;
  if (int(order, 'is_pre_sale') === 1 || tradeType === 1) tags.push('presale'); // 预售
  if (tradeType === 1) tags.push('presale_deposit'); // 定金预售 (step_order_info)

  const preSaleTime = time(order, 'pre_sale_time');
  const shipBy = time(order, 'last_ship_time') ?? preSaleTime;
  return withTimeConversions({
    channel: 'pdd',
    shopId: context.shopId,
    channelOrderId: orderSn,
    status,
    channelStatus,
    // risk_control_status 1: 审核中, under PDD's review; the order must not ship until it is 0.
    ...(status === 'paid' && int(order, 'risk_control_status') === 1 ? { channelHold: 'risk_check' as const } : {}),
    ...amounts,
    receiver: {
      // PDD hands out masked receiver data only; the clear text needs the audited decrypt call.
      name: required(order, 'receiver_name_mask', 'receiver_name_mask'),
      phone: required(order, 'receiver_phone_mask', 'receiver_phone_mask'),
      country: 'CN',
      province: required(order, 'province'),
      city: required(order, 'city'),
      district: str(order, 'town'),
      address: required(order, 'address_mask'),
      provinceCode: str(order, 'province_id'),
      cityCode: str(order, 'city_id'),
      districtCode: str(order, 'town_id'),
    },
    tags,
    buyerMessage: memo(field(order, 'buyer_memo')),
    sellerMemo: memo(field(order, 'remark')),
    orderedAt,
    paidAt: time(order, 'confirm_time'),
    channelModifiedAt: time(order, 'updated_at'),
    shipBy,
    lines,
  }, CHINA_ZONE, {
    orderedAt: str(order, 'created_time'), paidAt: str(order, 'confirm_time'), channelModifiedAt: str(order, 'updated_at'),
    shipBy: str(order, 'last_ship_time') ?? str(order, 'pre_sale_time'),
  });
}

/** `order_sn_increment_get_response` → its orders and whether another page follows. */
export function pddIncrementPage(body: Record<string, unknown>): { orders: unknown[]; hasNext: boolean; total: number } {
  const r = body.order_sn_increment_get_response as Raw | undefined;
  if (!r || typeof r !== 'object') throw new ChannelPayloadError('no order_sn_increment_get_response');
  const list = r.order_sn_list;
  if (!Array.isArray(list)) throw new ChannelPayloadError('order_sn_list is not a list');
  return { orders: list, hasNext: r.has_next === true, total: Number(r.total_count ?? 0) };
}

/** `order_info_get_response.order_info`, or null when the body holds none. */
export function pddOrderInfo(body: Record<string, unknown>): unknown {
  const r = body.order_info_get_response as Raw | undefined;
  return r && typeof r === 'object' && r.order_info && typeof r.order_info === 'object' ? r.order_info : null;
}
