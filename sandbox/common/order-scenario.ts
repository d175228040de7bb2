import { generateLines, type CatalogueLine } from './catalogue.ts';
import type { Prng } from './prng.ts';
import { changeReceiver, generateReceiver, type Receiver } from './receiver.ts';

/**
 * What happens to one buyer's order, decided up front from a seed: who buys what, where it goes, and
 * when it is paid, cancelled or re-addressed. Marketplace sandboxes turn a scenario into their own
 * order record and status codes and replay its timeline as their clock passes each moment, so the
 * same seed gives the same story on Douyin, Taobao, JD or Pinduoduo.
 *
 * Shipping and completion are not in the timeline: they follow the OMS's logistics write-back.
 */

export interface ScenarioRates {
  /** Orders on presale (预售): paid now, shipped from a later date. */
  readonly presaleRate: number;
  /** Buyers who are shop members (会员). */
  readonly vipRate: number;
  /** Orders promised for 限时达 (time-limited delivery), with a short ship-by. */
  readonly expressRate: number;
  /** Orders never paid: the buyer cancels or the payment window lapses. */
  readonly unpaidCancelRate: number;
  /** Paid orders the buyer cancels before shipment (仅退款 before dispatch). */
  readonly paidCancelRate: number;
  /** Paid orders whose receiver changes before shipment (改地址). */
  readonly addressChangeRate: number;
  /** Orders with a buyer message (买家留言). */
  readonly buyerMessageRate: number;
}

export const DEFAULT_SCENARIO_RATES: ScenarioRates = {
  presaleRate: 0.05,
  vipRate: 0.15,
  expressRate: 0.08,
  unpaidCancelRate: 0.06,
  paidCancelRate: 0.04,
  addressChangeRate: 0.05,
  buyerMessageRate: 0.2,
};

export interface ScenarioLine extends CatalogueLine {
  /** Unit price actually charged, fen; the list price less nothing: discounts are order-level. */
  readonly unitPriceFen: number;
}

export interface OrderScenario {
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly receiver: Receiver;
  readonly lines: readonly ScenarioLine[];
  /** Freight charged to the buyer, fen. */
  readonly postFeeFen: number;
  /** Shop discount over the whole order (coupons, 满减), fen; never more than the goods total. */
  readonly discountFen: number;
  readonly presale: boolean;
  /** For presale: the earliest the shop may ship, ms. */
  readonly presaleShipFrom?: number;
  readonly vip: boolean;
  /** 限时达: must ship within hours rather than the usual two days. */
  readonly express: boolean;
  /** Latest ship time promised to the buyer, ms. */
  readonly shipBy: number;
  readonly buyerMessage?: string;
  /** When payment lands, ms; absent for orders never paid. */
  readonly paidAt?: number;
  readonly cancelledAt?: number;
  readonly cancelReason?: string;
  readonly addressChangedAt?: number;
  readonly newReceiver?: Receiver;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long an unpaid order lives before the platform closes it; 30 minutes on the big platforms. */
export const PAYMENT_WINDOW_MS = 30 * MINUTE;

const BUYER_MESSAGES = [
  '请尽快发货，谢谢', '麻烦发顺丰', '送人的，不要放价格单', '周末在家，工作日放快递柜', '包装结实一点', '能开发票吗',
  '颜色发错会退货哦', '小区不让快递进，请放门卫', '急用，今天能发吗', '老顾客了，多送点小样',
];
const UNPAID_REASONS = ['超时未支付', '不想要了', '拍错了/多拍了'];
const PAID_CANCEL_REASONS = ['不想要了', '地址信息填写错误', '拍错了/多拍了', '其他渠道价格更低', '商家缺货'];

/** Milliseconds drawn from a skewed range: most buyers act fast, a few take their time. */
function skewed(rng: Prng, min: number, max: number): number {
  const u = rng.next();
  return Math.round(min + (max - min) * u * u * u);
}

export function generateScenario(rng: Prng, createdAt: number, rates: ScenarioRates = DEFAULT_SCENARIO_RATES): OrderScenario {
  const presale = rng.chance(rates.presaleRate);
  // A presale order is never also 限时达: a promise of hours makes no sense for stock not yet in hand.
  const express = !presale && rng.chance(rates.expressRate);
  const lines = generateLines(rng, (p) => (presale ? p.presaleEligible : express ? p.expressEligible : true))
    .map((line) => ({ ...line, unitPriceFen: line.sku.priceFen }));
  const goodsFen = lines.reduce((sum, line) => sum + line.unitPriceFen * line.quantity, 0);
  const postFeeFen = goodsFen >= 9900 || express ? 0 : rng.pick([0, 0, 600, 800, 1000]);
  const discountFen = rng.chance(0.35) ? Math.min(goodsFen - 1, rng.pick([300, 500, 1000, 2000])) : 0;
  const vip = rng.chance(rates.vipRate);
  const buyerMessage = rng.chance(rates.buyerMessageRate) ? rng.pick(BUYER_MESSAGES) : undefined;
  const receiver = generateReceiver(rng);
  const presaleShipFrom = presale ? createdAt + rng.int(5, 20) * DAY : undefined;
  const shipBy = presaleShipFrom !== undefined
    ? presaleShipFrom + 3 * DAY
    : createdAt + (express ? rng.pick([4, 6, 12]) * HOUR : 48 * HOUR);
  const base = { createdAt, receiver, lines, postFeeFen, discountFen, presale, presaleShipFrom, vip, express, shipBy, buyerMessage };

  if (rng.chance(rates.unpaidCancelRate)) {
    const reason = rng.pick(UNPAID_REASONS);
    const cancelledAt = reason === '超时未支付' ? createdAt + PAYMENT_WINDOW_MS : createdAt + skewed(rng, MINUTE, PAYMENT_WINDOW_MS - MINUTE);
    return { ...base, cancelledAt, cancelReason: reason };
  }
  const paidAt = createdAt + skewed(rng, 5_000, 20 * MINUTE);
  const cancelledAt = rng.chance(rates.paidCancelRate) ? paidAt + skewed(rng, 2 * MINUTE, 6 * HOUR) : undefined;
  const cancel = cancelledAt === undefined ? {} : { cancelledAt, cancelReason: rng.pick(PAID_CANCEL_REASONS) };
  if (!rng.chance(rates.addressChangeRate)) return { ...base, paidAt, ...cancel };
  const addressChangedAt = paidAt + skewed(rng, MINUTE, 3 * HOUR);
  // An address edit after the order is cancelled cannot happen; drop it rather than reorder time.
  if (cancelledAt !== undefined && addressChangedAt >= cancelledAt) return { ...base, paidAt, ...cancel };
  return { ...base, paidAt, ...cancel, addressChangedAt, newReceiver: changeReceiver(rng, receiver) };
}
