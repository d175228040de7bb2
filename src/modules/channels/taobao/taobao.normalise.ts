import type { ChannelStatus, OrderInput } from '../../orders/orders.input.ts';
import { CHINA_ZONE } from '../../../platform/time/wall-clock.ts';
import { buyerRefOf, chinaTimeToIso, cnyAmounts, isRecord, memo, text, withTimeConversions, yuanToFen } from '../channels.normalise.ts';
import { ChannelPayloadError } from '../connector.ts';

/**
 * Taobao/Tmall TOP trades (taobao.trades.sold.increment.get / taobao.trade.fullinfo.get) → the
 * platform's canonical order input.
 *
 * Money arrives as decimal yuan strings and becomes integer fen by string arithmetic. The total is
 * the trade's `payment` (what the buyer paid, freight included), shipping its `post_fee`. A line's
 * amount is `divide_order_fee` (the line's share after shop-level coupons are spread over the lines)
 * or, when absent, the line's `payment`. The discount is derived, discount = Σ lines + shipping −
 * total, so the canonical identity holds by construction; a negative remainder means the amounts
 * contradict each other and the trade is refused.
 *
 * Times are "yyyy-MM-dd HH:mm:ss" on the Beijing wall clock (GMT+8) and become UTC instants.
 * `tid`/`oid` exceed 2^53: read the body with parseTopJson, ids are kept as strings.
 */

export class TaobaoPayloadError extends ChannelPayloadError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`taobao trade ${path}: ${message}`, { path });
    this.name = 'TaobaoPayloadError';
  }
}

function malformed(path: string, message: string): never {
  throw new TaobaoPayloadError(path, message);
}

/** An id as its exact digits; a JS number is accepted only while it is exact. */
export function topId(value: unknown, path: string): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) return malformed(path, 'id was read as an inexact number; parse the body with parseTopJson');
    return String(value);
  }
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  const s = text(value);
  if (s && /^\d+$/.test(s)) return s;
  return malformed(path, 'missing id');
}

const fen = (value: unknown, path: string) => yuanToFen(value, path, malformed);

function requiredFen(value: unknown, path: string): number {
  return fen(value, path) ?? malformed(path, 'missing');
}

/** GMT+8 wall clock → ISO instant with Z; undefined when absent. */
export function topTimeToIso(value: unknown, path: string): string | undefined {
  return chinaTimeToIso(value, path, malformed, 'must be "yyyy-MM-dd HH:mm:ss" (GMT+8)');
}

/**
 * TOP trade `status` → what the channel says.
 * - SELLER_CONSIGNED_PART (partly shipped) reads as `shipped`, as Douyin's 部分发货 does: the
 *   platform has seen a dispatch, so the order must not be cancelled or re-routed as unshipped.
 * - PAID_FORBID_CONSIGN (paid, shipping blocked, e.g. a 拼团 not yet complete) reads as `paid`
 *   with the hold `consign_forbidden`: the money is in and the stock is taken, but nothing goes to
 *   a warehouse until TOP lifts the block (the trade moves on to WAIT_SELLER_SEND_GOODS).
 * - PAY_PENDING / WAIT_PRE_AUTH_CONFIRM (payment in progress, 0-yuan pre-authorisation) read as
 *   `created`: not yet paid.
 * - A step (presale) trade whose deposit is paid but not the balance is still WAIT_BUYER_PAY on
 *   TOP, so it reads `created` (tagged `presale`); it becomes `paid` with the final payment.
 */
const statusByTopStatus: Readonly<Record<string, ChannelStatus>> = {
  TRADE_NO_CREATE_PAY: 'created',
  WAIT_BUYER_PAY: 'created',
  PAY_PENDING: 'created',
  WAIT_PRE_AUTH_CONFIRM: 'created',
  WAIT_SELLER_SEND_GOODS: 'paid',
  PAID_FORBID_CONSIGN: 'paid',
  SELLER_CONSIGNED_PART: 'shipped',
  WAIT_BUYER_CONFIRM_GOODS: 'shipped',
  TRADE_BUYER_SIGNED: 'delivered',
  TRADE_FINISHED: 'closed',
  TRADE_CLOSED: 'cancelled',
  TRADE_CLOSED_BY_TAOBAO: 'cancelled',
};

export function taobaoChannelStatus(value: unknown, path = 'status'): ChannelStatus {
  const code = text(value) ?? malformed(path, 'missing');
  return statusByTopStatus[code] ?? malformed(path, `unknown status ${code}`);
}

/** Whether a TOP status word is one we know (push messages carry it; unknown ones are ignored). */
export function knownTaobaoStatus(value: unknown): ChannelStatus | undefined {
  const code = text(value);
  return code ? statusByTopStatus[code] : undefined;
}

type Line = OrderInput['lines'][number];

function linesOf(trade: Record<string, unknown>): Line[] {
  const holder = trade.orders;
  const raw = isRecord(holder) ? holder.order : holder;
  if (!Array.isArray(raw) || raw.length === 0) return malformed('orders.order', 'must list at least one order line');
  return raw.map((line, i): Line => {
    const path = `orders.order[${i}]`;
    if (!isRecord(line)) return malformed(path, 'must be an object');
    const quantity = Number(text(line.num) ?? malformed(`${path}.num`, 'missing'));
    if (!Number.isSafeInteger(quantity) || quantity < 1) malformed(`${path}.num`, 'must be a positive integer');
    const unitPriceFen = requiredFen(line.price, `${path}.price`);
    const amountFen = fen(line.divide_order_fee, `${path}.divide_order_fee`) ?? fen(line.payment, `${path}.payment`) ?? quantity * unitPriceFen;
    const sku = text(line.outer_sku_id) ?? text(line.outer_iid) ?? (text(line.sku_id) ? `tb-sku-${text(line.sku_id)}` : undefined) ?? `tb-item-${topId(line.num_iid, `${path}.num_iid`)}`;
    return {
      sku: sku.slice(0, 64),
      title: text(line.title)?.slice(0, 200),
      channelLineId: topId(line.oid, `${path}.oid`),
      quantity,
      unitPriceFen,
      amountFen,
    };
  });
}

function receiverOf(trade: Record<string, unknown>): OrderInput['receiver'] {
  const need = (key: string) => text(trade[key]) ?? malformed(key, 'missing');
  const town = text(trade.receiver_town);
  const address = need('receiver_address');
  return {
    // Masked values (张**, 138****5678): decryption with the oaid is a separate, audited call.
    name: need('receiver_name').slice(0, 100),
    phone: text(trade.receiver_mobile) ?? need('receiver_phone'),
    country: 'CN',
    province: need('receiver_state'),
    city: need('receiver_city'),
    district: text(trade.receiver_district),
    address: (town && !address.startsWith(town) ? town + address : address).slice(0, 300),
    postcode: text(trade.receiver_zip),
  };
}

function tagsOf(trade: Record<string, unknown>): string[] {
  const tags: string[] = [];
  if (text(trade.type) === 'step' || text(trade.step_trade_status)) {
    tags.push('presale');
    if (text(trade.step_trade_status) === 'FRONT_PAID_FINAL_PAID') tags.push('presale_final');
  }
  return tags;
}

/** One TOP trade object → the canonical order input for `shop` (channel taobao or tmall, from the shop). */
export function normaliseTaobaoTrade(raw: unknown, shop: { shopId: string; channel: 'taobao' | 'tmall' }): OrderInput {
  if (!isRecord(raw)) return malformed('', 'trade must be an object');
  const lines = linesOf(raw);
  const goodsFen = lines.reduce((sum, l) => sum + (l.amountFen ?? 0), 0);
  const shippingFen = fen(raw.post_fee, 'post_fee') ?? 0;
  const totalFen = requiredFen(raw.payment, 'payment');
  const amounts = cnyAmounts(goodsFen, shippingFen, totalFen, () => malformed('payment', `paid ${totalFen} exceeds lines ${goodsFen} + shipping ${shippingFen}`));
  const status = text(raw.status);
  return withTimeConversions({
    channel: shop.channel,
    shopId: shop.shopId,
    channelOrderId: topId(raw.tid, 'tid'),
    status: taobaoChannelStatus(status),
    channelStatus: status,
    ...(status === 'PAID_FORBID_CONSIGN' ? { channelHold: 'consign_forbidden' as const } : {}),
    buyerRef: buyerRefOf(raw.buyer_open_uid),
    ...amounts,
    receiver: receiverOf(raw),
    tags: tagsOf(raw),
    buyerMessage: memo(raw.buyer_message),
    sellerMemo: memo(raw.seller_memo),
    orderedAt: topTimeToIso(raw.created, 'created') ?? malformed('created', 'missing'),
    paidAt: topTimeToIso(raw.pay_time, 'pay_time'),
    channelModifiedAt: topTimeToIso(raw.modified, 'modified'),
    lines,
  }, CHINA_ZONE, { orderedAt: raw.created, paidAt: raw.pay_time, channelModifiedAt: raw.modified });
}

/** The trades of a taobao.trades.sold.increment.get (or .get) response member. */
export function taobaoTradesOf(response: Record<string, unknown>): unknown[] {
  const holder = response.trades;
  if (holder === undefined || holder === null) return [];
  const list = isRecord(holder) ? holder.trade : holder;
  if (!Array.isArray(list)) return malformed('trades.trade', 'must be a list');
  return list;
}
