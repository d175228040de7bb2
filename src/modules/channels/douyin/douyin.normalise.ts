import { fromUnixSeconds, isoUtc } from '../../../platform/time/instants.ts';
import type { ChannelHold, ChannelStatus, OrderInput } from '../../orders/orders.input.ts';
import { buyerRefOf, cnyAmounts, isRecord, memo, text, withTimeConversions } from '../channels.normalise.ts';
import { ChannelApiError } from '../connector.ts';
import {
  DouyinPayloadError,
  DouyinUnknownStatusError,
  type DouyinAftersaleItem,
  type DouyinArea,
  type DouyinOrderPhase,
  type DouyinPostAddr,
  type DouyinRefund,
  type DouyinShopOrder,
  type DouyinSkuOrder,
  type DouyinTagUi,
} from './douyin.types.ts';

/**
 * Douyin shop (抖店) orders and after-sales → the platform's canonical order input.
 *
 * Money. Douyin allocates every promotion down to the SKU orders, so a line's amount is what the
 * buyer paid for it: the SKU order's `pay_amount` less its share of shipping (`post_amount`).
 * Shipping is the shop order's `post_amount`, the total its `pay_amount`. The discount is derived,
 * discount = Σ lines + shipping − total, so the canonical identity holds by construction; it is
 * what was not allocated to lines (usually 0, or a payment-channel discount). `promotion_amount`
 * is therefore not added again. A negative remainder means the amounts contradict each other and
 * the order is refused rather than guessed at.
 */

// ---------------------------------------------------------------------------------------------
// Reading values

/**
 * String tokens (matched whole, so digits inside them are skipped) and integer literals of 16 or
 * more digits, which may not survive a float. Strings use the unrolled form, which V8 runs fastest;
 * the look-behind and look-ahead keep the digits of a decimal or an exponent from counting.
 */
const jsonToken = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\d.eE+-])-?[1-9]\d{15,}(?![\d.eE])/g;

/**
 * JSON.parse for Douyin bodies: every integer literal longer than 15 digits becomes a string first,
 * so ids beyond 2^53 stay exact digit for digit.
 */
export function parseDouyinJson(text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  // Most bodies have no such integer at all; they are parsed as they are.
  const safe = /\d{16}/.test(body) ? body.replace(jsonToken, (token) => (token.charCodeAt(0) === 34 ? token : `"${token}"`)) : body;
  try {
    return JSON.parse(safe);
  } catch {
    throw new DouyinPayloadError('DOUYIN_BAD_JSON', '', 'body is not JSON');
  }
}

function malformed(path: string, message: string): never {
  throw new DouyinPayloadError('DOUYIN_MALFORMED_PAYLOAD', path, message);
}

/**
 * An id as a string, digit for digit. Numbers are accepted only while exact; one wrapping pair of
 * quotes is removed (the after-sale samples send `"\"6986…\""`).
 */
export function douyinId(value: unknown, path: string): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new DouyinPayloadError('DOUYIN_ID_PRECISION_LOST', path, 'id was read as an inexact number; parse the body with parseDouyinJson');
    }
    return String(value);
  }
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  if (typeof value === 'string') {
    const trimmed = value.trim();
    const id = /^".*"$/.test(trimmed) ? trimmed.slice(1, -1).trim() : trimmed;
    if (id) return id;
  }
  return malformed(path, 'missing id');
}

/** An integer from a JSON number or a numeric string; undefined when absent or empty. */
export function optionalInt(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) return malformed(path, 'must be an integer');
  return n;
}

function requiredInt(value: unknown, path: string): number {
  return optionalInt(value, path) ?? malformed(path, 'missing');
}

/** Fen are never negative here; a negative amount is a malformed payload. */
export function optionalFen(value: unknown, path: string): number | undefined {
  const n = optionalInt(value, path);
  if (n !== undefined && n < 0) malformed(path, 'must not be negative');
  return n;
}

/** Unix seconds → ISO instant with Z; 0 means "not yet" in Douyin and reads as undefined. */
export function unixToIso(value: unknown, path: string): string | undefined {
  const seconds = optionalInt(value, path);
  if (seconds === undefined || seconds === 0) return undefined;
  if (seconds < 0) return malformed(path, 'must be Unix seconds');
  return isoUtc(fromUnixSeconds(seconds));
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

// ---------------------------------------------------------------------------------------------
// Responses

/**
 * Douyin's error families (unverified beyond third-party code): 2xxxx service unavailable, 6xxxx
 * traffic limited (isv.traffic-limited) and 9xxxx rate limits pass with time; authorisation
 * (3xxxx), parameter (4xxxx) and business (5xxxx) errors do not.
 */
function retryable(code: number): boolean {
  const family = Math.floor(code / 10000);
  return family === 2 || family === 6 || family === 9;
}

/** The data of a successful response: `code == 10000`, or `err_no == 0` in older samples. */
export function douyinResponseData(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return malformed('', 'response must be a JSON object');
  const code = optionalInt(body.code, 'code');
  const errNo = optionalInt(body.err_no, 'err_no');
  const failed = code !== undefined && code !== 10000 ? code : errNo !== undefined && errNo !== 0 ? errNo : undefined;
  if (failed !== undefined) {
    const detail = [body.sub_code, body.sub_msg ?? body.msg ?? body.message].filter((v) => typeof v === 'string' && v).join(': ');
    throw new ChannelApiError('douyin', String(failed), detail || 'error response', retryable(failed));
  }
  return isRecord(body.data) ? body.data : malformed('data', 'missing');
}

/** The shop orders of an order.searchList or order.orderDetail response. */
export function douyinShopOrdersOf(body: unknown): DouyinShopOrder[] {
  const data = douyinResponseData(body);
  if (Array.isArray(data.shop_order_list)) return data.shop_order_list as DouyinShopOrder[];
  if (isRecord(data.shop_order_detail)) return [data.shop_order_detail as DouyinShopOrder];
  return malformed('data', 'has neither shop_order_list nor shop_order_detail');
}

/** The items of an after-sale list response. */
export function douyinAftersalesOf(body: unknown): DouyinAftersaleItem[] {
  const data = douyinResponseData(body);
  return Array.isArray(data.items) ? (data.items as DouyinAftersaleItem[]) : [];
}

// ---------------------------------------------------------------------------------------------
// Orders

/** Douyin `order_status` → what the channel says (订单状态). */
const statusByOrderStatus: Readonly<Record<string, ChannelStatus>> = {
  '1': 'created', // 待支付 / 待确认
  '105': 'paid', // 已支付, still under Douyin's risk check
  '2': 'paid', // 备货中: awaiting shipment
  '101': 'shipped', // 部分发货
  '3': 'shipped', // 已发货 (全部发货)
  '4': 'cancelled', // 已取消
  '5': 'closed', // 已完成 (已收货)
};

/** Paid, but Douyin's risk check has not released the order to the shop: it must not ship yet. */
const holdByOrderStatus: Readonly<Record<string, ChannelHold>> = { '105': 'risk_check' };

export function douyinChannelStatus(orderStatus: unknown, path = 'order_status'): { status: ChannelStatus; channelStatus: string } {
  const code = String(requiredInt(orderStatus, path));
  const status = statusByOrderStatus[code];
  if (!status) throw new DouyinUnknownStatusError(code, path);
  return { status, channelStatus: code };
}

function withHold(state: { status: ChannelStatus; channelStatus: string }) {
  const channelHold = holdByOrderStatus[state.channelStatus];
  return channelHold ? { ...state, channelHold } : state;
}

/** Douyin ciphertext is wrapped in #, $ or ~ (`##…#1##`, `$$…$1$$`); it is no use to a person. */
function readable(value: unknown): string | undefined {
  const s = text(value);
  return s && !/^[#$~]/.test(s) ? s : undefined;
}

function areaName(...areas: (DouyinArea | undefined)[]): string | undefined {
  for (const area of areas) {
    const name = text(area?.name);
    if (name) return name;
  }
  return undefined;
}

/**
 * National division codes (GB/T 2260) when the ids are shaped like them and nest: province XX0000,
 * city XXYY00 inside it, district XXYYZZ inside the city. Douyin also sends two-digit province ids
 * ("35") and, in samples, placeholders such as "110000" for every level; those are left out.
 */
function divisionCodes(addr: DouyinPostAddr): { provinceCode?: string; cityCode?: string; districtCode?: string } {
  const id = (area?: DouyinArea) => (area?.id === undefined ? '' : String(area.id).trim());
  let province = id(addr.province);
  if (/^\d{2}$/.test(province)) province += '0000';
  const provinceCode = /^\d{2}0000$/.test(province) ? province : undefined;
  const city = id(addr.city);
  const cityCode = /^\d{4}00$/.test(city) && !city.endsWith('0000') && (!provinceCode || city.startsWith(provinceCode.slice(0, 2))) ? city : undefined;
  const district = id(addr.town);
  const districtCode =
    /^\d{6}$/.test(district) && !district.endsWith('00') && (cityCode ? district.startsWith(cityCode.slice(0, 4)) : provinceCode ? district.startsWith(provinceCode.slice(0, 2)) : true)
      ? district
      : undefined;
  return { provinceCode, cityCode, districtCode };
}

/**
 * The receiver: plain values when Douyin still sends them, otherwise the masked display values
 * (脱敏); decryption is a separate, audited call. Ciphertext alone is refused.
 */
function receiverOf(order: DouyinShopOrder): OrderInput['receiver'] {
  const addr = order.post_addr ?? {};
  const masked = order.mask_post_addr ?? {};
  const pick = (path: string, ...values: unknown[]): string => {
    for (const v of values) {
      const s = readable(v);
      if (s) return s;
    }
    const encrypted = values.some((v) => text(v));
    throw new DouyinPayloadError(encrypted ? 'DOUYIN_RECEIVER_ENCRYPTED' : 'DOUYIN_MALFORMED_PAYLOAD', path, encrypted ? 'only ciphertext, no masked value' : 'missing');
  };
  const name = pick('receiver.name', order.post_receiver, order.mask_post_receiver, order.encrypt_post_receiver);
  const phone = pick('receiver.phone', order.post_tel, order.mask_post_tel, order.encrypt_post_tel);
  const detail = pick('receiver.address', addr.detail, masked.detail, addr.encrypt_detail);
  const street = areaName(addr.street, masked.street);
  const province = areaName(addr.province, masked.province) ?? malformed('post_addr.province.name', 'missing');
  const city = areaName(addr.city, masked.city) ?? malformed('post_addr.city.name', 'missing');
  return {
    name,
    phone,
    country: 'CN',
    province,
    city,
    district: areaName(addr.town, masked.town),
    // The street (街道) is its own level in Douyin; warehouses want it in the address line.
    address: street && !detail.startsWith(street) ? street + detail : detail,
    ...divisionCodes(isRecord(order.post_addr) ? addr : masked),
  };
}

function tagUis(order: DouyinShopOrder): DouyinTagUi[] {
  const skuTags = (order.sku_order_list ?? []).flatMap((s) => s.sku_order_tag_ui ?? []);
  return [...(order.shop_order_tag_ui ?? []), ...(order.user_tag_ui ?? []), ...skuTags].filter(isRecord);
}

function finalPhasePaid(phases: DouyinOrderPhase[]): boolean {
  return phases.some((p, i) => {
    const total = optionalInt(p.total_phase, `order_phase_list[${i}].total_phase`);
    return total !== undefined && total > 1 && optionalInt(p.current_phase, `order_phase_list[${i}].current_phase`) === total && flag(p.pay_success);
  });
}

/** Tags the platform acts on (see orders.priority.ts), from what the Douyin model actually marks. */
function tagsOf(order: DouyinShopOrder): string[] {
  const skus = order.sku_order_list ?? [];
  const levels = [order, ...skus];
  // Markers only add tags; an odd value in one is no reason to refuse the order.
  const num = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : undefined);
  const phases = (order.order_phase_list ?? []).filter(isRecord);
  const uiTags = tagUis(order);
  const tags = new Set<string>();
  const presale =
    levels.some((o) => num(o.trade_type) === 2 || num(o.order_type) === 1) || // 定金预售 / old 全款预售订单
    skus.some((s) => [1, 2].includes(num(s.pre_sale_type) ?? 0)) || // 全款预售 / 阶梯发货
    uiTags.some((t) => t.key === 'pre_sale_label') ||
    phases.length > 0;
  if (presale) tags.add('presale'); // 预售
  if (finalPhasePaid(phases)) tags.add('presale_final'); // 预售尾款已付: ship promptly
  if (levels.some((o) => num(o.trade_type) === 18)) tags.add('time_limited'); // 小时达: delivery within hours
  if (uiTags.some((t) => typeof t.text === 'string' && t.text.includes('限时达'))) tags.add('限时达');
  if (uiTags.some((t) => /\bvip\b/i.test(`${t.key ?? ''} ${t.text ?? ''}`))) tags.add('VIP');
  return [...tags];
}

type Line = OrderInput['lines'][number];

/** The merchant's SKU code when set ("0" is Douyin's "unset"), else the back-office code, else Douyin's sku_id. */
function skuOf(sku: DouyinSkuOrder, path: string): string {
  const out = text(sku.out_sku_id);
  if (out && out !== '0') return out;
  return text(sku.code) ?? douyinId(sku.sku_id, `${path}.sku_id`);
}

function lineOf(sku: DouyinSkuOrder, path: string): Line {
  if (!isRecord(sku)) return malformed(path, 'must be an object');
  const quantity = requiredInt(sku.item_num, `${path}.item_num`);
  if (quantity < 1) malformed(`${path}.item_num`, 'must be at least 1');
  const sum = optionalFen(sku.sum_amount, `${path}.sum_amount`);
  const unitPriceFen =
    optionalFen(sku.origin_amount, `${path}.origin_amount`) ??
    (sum !== undefined && sum % quantity === 0 ? sum / quantity : malformed(`${path}.origin_amount`, 'missing'));
  const paid = optionalFen(sku.pay_amount, `${path}.pay_amount`);
  const amountFen = paid === undefined ? (sum ?? quantity * unitPriceFen) : paid - (optionalFen(sku.post_amount, `${path}.post_amount`) ?? 0);
  if (amountFen < 0) {
    throw new DouyinPayloadError('DOUYIN_AMOUNTS_INCONSISTENT', `${path}.post_amount`, 'shipping share exceeds the amount paid');
  }
  const title = text(sku.product_name);
  return {
    sku: skuOf(sku, path),
    title: title?.slice(0, 200),
    channelLineId: douyinId(sku.order_id, `${path}.order_id`),
    quantity,
    unitPriceFen,
    amountFen,
  };
}

/**
 * One Douyin shop order (an element of `shop_order_list`, or `shop_order_detail`) → the canonical
 * order input for `shop`. Throws DouyinPayloadError (or DouyinUnknownStatusError) when it cannot.
 */
export function normaliseDouyinOrder(raw: DouyinShopOrder, shop: { shopId: string }): OrderInput {
  if (!isRecord(raw)) return malformed('', 'shop order must be an object');
  const skus = raw.sku_order_list;
  if (!Array.isArray(skus) || skus.length === 0) return malformed('sku_order_list', 'must list at least one SKU order');
  const lines = skus.map((sku, i) => lineOf(sku, `sku_order_list[${i}]`));
  const goodsFen = lines.reduce((sum, l) => sum + (l.amountFen ?? 0), 0);
  const shippingFen = optionalFen(raw.post_amount, 'post_amount') ?? 0;
  const totalFen = optionalFen(raw.pay_amount, 'pay_amount') ?? malformed('pay_amount', 'missing');
  const amounts = cnyAmounts(goodsFen, shippingFen, totalFen, () => {
    throw new DouyinPayloadError('DOUYIN_AMOUNTS_INCONSISTENT', 'pay_amount', `paid ${totalFen} exceeds lines ${goodsFen} + shipping ${shippingFen}`);
  });
  return withTimeConversions({
    channel: 'douyin',
    shopId: shop.shopId,
    channelOrderId: douyinId(raw.order_id, 'order_id'),
    ...withHold(douyinChannelStatus(raw.order_status)),
    buyerRef: buyerRefOf(raw.doudian_open_id),
    ...amounts,
    receiver: receiverOf(raw),
    tags: tagsOf(raw),
    buyerMessage: memo(raw.buyer_words),
    sellerMemo: memo(raw.seller_words),
    orderedAt: unixToIso(raw.create_time, 'create_time') ?? malformed('create_time', 'missing'),
    paidAt: unixToIso(raw.pay_time, 'pay_time'),
    channelModifiedAt: unixToIso(raw.update_time, 'update_time'),
    shipBy: unixToIso(raw.exp_ship_time, 'exp_ship_time'),
    lines,
  }, 'unix-seconds', { orderedAt: raw.create_time, paidAt: raw.pay_time, channelModifiedAt: raw.update_time, shipBy: raw.exp_ship_time });
}

// ---------------------------------------------------------------------------------------------
// After-sales

/** One item of an after-sale list response (售后单) → the platform's reading of it. */
export function normaliseDouyinAftersale(item: DouyinAftersaleItem): DouyinRefund {
  const info = isRecord(item) && isRecord(item.aftersale_info) ? item.aftersale_info : malformed('aftersale_info', 'missing');
  const order = isRecord(item.order_info) ? item.order_info : malformed('order_info', 'missing');
  const related = Array.isArray(order.related_order_info) ? order.related_order_info.filter(isRecord) : [];
  return {
    refundId: douyinId(info.aftersale_id, 'aftersale_info.aftersale_id'),
    channelOrderId: douyinId(order.shop_order_id, 'order_info.shop_order_id'),
    skuOrderIds: related.map((r, i) => douyinId(r.sku_order_id, `order_info.related_order_info[${i}].sku_order_id`)),
    amountFen: optionalFen(info.refund_amount, 'aftersale_info.refund_amount'),
    shippingFen: optionalFen(info.refund_post_amount, 'aftersale_info.refund_post_amount'),
    aftersaleType: optionalInt(info.aftersale_type, 'aftersale_info.aftersale_type'),
    aftersaleStatus: optionalInt(info.aftersale_status, 'aftersale_info.aftersale_status'),
    refundStatus: optionalInt(info.refund_status, 'aftersale_info.refund_status'),
    appliedAt: unixToIso(info.apply_time, 'aftersale_info.apply_time'),
    deadlineAt: unixToIso(info.status_deadline, 'aftersale_info.status_deadline'),
  };
}
