import { localMinuteOfDay as minuteOfDay } from '../../platform/time/wall-clock.ts';
import { channels } from '../channels/channels.input.ts';
import { channelStatuses } from '../orders/orders.input.ts';

/**
 * What a rule (条件触发器) may test of an order, and how: each field has a type, and each type its
 * operators. A field is read from the order's facts, built once per order (factsOf) in the same
 * shape for intake, the dry run and the routed pass.
 */
export type FieldType = 'enum' | 'text' | 'tags' | 'money' | 'number' | 'code' | 'message' | 'time_of_day' | 'boolean';

export const operatorsOf: Readonly<Record<FieldType, readonly string[]>> = {
  enum: ['eq', 'ne', 'in', 'not_in'],
  text: ['eq', 'ne', 'in', 'not_in'],
  code: ['eq', 'ne', 'in', 'not_in', 'starts_with'],
  tags: ['contains', 'not_contains', 'contains_any', 'contains_all'],
  money: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between'],
  message: ['contains', 'not_contains', 'contains_any'],
  time_of_day: ['between'],
  boolean: ['is'],
};

export interface FieldSpec {
  type: FieldType;
  /** Where the facts keep it (a json-logic var); a line field is tested on each line, matching when any line does. */
  path: string;
  perLine?: boolean;
  /** Known only once the order is routed: rules testing it run after routing. */
  routed?: boolean;
  values?: readonly string[];
  label: { zh: string; en: string };
}

export const fields = {
  channel: { type: 'enum', path: 'channel', values: channels, label: { zh: '渠道', en: 'Channel' } },
  shop: { type: 'text', path: 'shopId', label: { zh: '店铺', en: 'Shop' } },
  status: { type: 'enum', path: 'status', values: channelStatuses, label: { zh: '渠道状态', en: 'Channel status' } },
  tags: { type: 'tags', path: 'tags', label: { zh: '标签', en: 'Tags' } },
  totalFen: { type: 'money', path: 'totalFen', label: { zh: '实付金额（分）', en: 'Total (fen)' } },
  goodsFen: { type: 'money', path: 'goodsFen', label: { zh: '商品金额（分）', en: 'Goods (fen)' } },
  shippingFen: { type: 'money', path: 'shippingFen', label: { zh: '运费（分）', en: 'Shipping (fen)' } },
  discountFen: { type: 'money', path: 'discountFen', label: { zh: '优惠（分）', en: 'Discount (fen)' } },
  lineSku: { type: 'code', path: 'sku', perLine: true, label: { zh: '任一商品 SKU', en: 'Any line\'s SKU' } },
  lineQuantity: { type: 'number', path: 'quantity', perLine: true, label: { zh: '任一商品数量', en: 'Any line\'s quantity' } },
  totalQuantity: { type: 'number', path: 'totalQuantity', label: { zh: '商品总件数', en: 'Units in all' } },
  provinceCode: { type: 'code', path: 'provinceCode', label: { zh: '收货省份代码', en: 'Receiver province code' } },
  cityCode: { type: 'code', path: 'cityCode', label: { zh: '收货城市代码', en: 'Receiver city code' } },
  country: { type: 'code', path: 'country', label: { zh: '收货国家', en: 'Receiver country' } },
  buyerMessage: { type: 'message', path: 'buyerMessage', label: { zh: '买家留言', en: 'Buyer message' } },
  paidTime: { type: 'time_of_day', path: 'paidMinute', label: { zh: '付款时刻', en: 'Paid time of day' } },
  presale: { type: 'boolean', path: 'presale', label: { zh: '预售', en: 'Presale' } },
  warehouse: { type: 'code', path: 'warehouses', routed: true, label: { zh: '分配仓库', en: 'Routed warehouse' } },
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof fields;
export const fieldNames = Object.keys(fields) as FieldName[];

/** What the facts are built from: an order as it arrives (or as stored, for a dry run). */
export interface OrderSubject {
  channel: string;
  shopId: string;
  status: string;
  tags: readonly string[];
  totalFen: number;
  goodsFen: number;
  shippingFen: number;
  discountFen: number;
  lines: readonly { sku: string; quantity: number }[];
  receiver: { country: string; provinceCode: string | null; cityCode: string | null };
  buyerMessage: string | null;
  paidAt: Date | null;
  /** The warehouses the order was routed to; absent before routing. */
  warehouses?: readonly string[];
}

export interface OrderFacts {
  channel: string;
  shopId: string;
  status: string;
  tags: string[];
  totalFen: number;
  goodsFen: number;
  shippingFen: number;
  discountFen: number;
  lines: { sku: string; quantity: number }[];
  totalQuantity: number;
  provinceCode: string | null;
  cityCode: string | null;
  country: string;
  buyerMessage: string;
  /** Minutes past midnight of the paid time, one per zone the rule set asks about (see CompiledRules.zones); null when unpaid. */
  paidMinute: (number | null)[];
  presale: boolean;
  warehouses: string[];
}

/** Tags compare whole and case-blind, as people type them: " VIP" is "vip", "svip" is not. */
export const normalTag = (tag: string) => tag.trim().toLowerCase();

const presaleTags = new Set(['presale', 'presale_final', '预售', '预售尾款']);

export function factsOf(order: OrderSubject, zones: readonly string[]): OrderFacts {
  const tags = order.tags.map(normalTag);
  return {
    channel: order.channel,
    shopId: order.shopId,
    status: order.status,
    tags,
    totalFen: order.totalFen,
    goodsFen: order.goodsFen,
    shippingFen: order.shippingFen,
    discountFen: order.discountFen,
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    totalQuantity: order.lines.reduce((n, l) => n + l.quantity, 0),
    provinceCode: order.receiver.provinceCode,
    cityCode: order.receiver.cityCode,
    country: order.receiver.country,
    buyerMessage: (order.buyerMessage ?? '').toLowerCase(),
    paidMinute: zones.map((zone) => (order.paidAt ? minuteOfDay(order.paidAt, zone) : null)),
    presale: tags.some((t) => presaleTags.has(t)),
    warehouses: [...(order.warehouses ?? [])],
  };
}
