import { CATALOGUE, type SpecValue } from '../common/catalogue.ts';
import { DEFAULT_SCENARIO_RATES, generateScenario, type OrderScenario, type ScenarioRates } from '../common/order-scenario.ts';
import type { Prng } from '../common/prng.ts';
import type { Receiver } from '../common/receiver.ts';
import { int, type RawJson } from '../common/raw-json.ts';
import { Timeline } from '../common/timeline.ts';
import { formatWallClock, CHINA_ZONE } from '../../src/platform/time/wall-clock.ts';
import { minorToDecimal } from '../../src/platform/money.ts';

/**
 * The Taobao sandbox's shop data: trades following their seeded scenario as sandbox time passes,
 * with TOP status words, and the catalogue's platform ids (num_iid, sku_id) and stock. Every change
 * bumps `modified` and raises the TMC message the platform would publish.
 */

export interface TaobaoSandboxShop {
  /** The seller's numeric user id (the shop's channelShopId; TMC `user_id`). */
  readonly sellerId: string;
  readonly sellerNick: string;
  readonly appKey: string;
  readonly session: string;
}

export interface TaobaoSku {
  /** 12 digits, within 2^53. */
  readonly numIid: string;
  /** 13 digits, within 2^53. */
  readonly skuId: string;
  readonly outerIid: string;
  readonly outerSkuId: string;
  readonly title: string;
  readonly specs: readonly SpecValue[];
}

export interface TaobaoLine {
  /** Beyond 2^53, written as a bare JSON integer. */
  readonly oid: string;
  readonly sku: TaobaoSku;
  readonly priceFen: number;
  readonly num: number;
  /** price × num. */
  readonly totalFen: number;
  /** This line's share of the shop-level discount. */
  readonly discountShareFen: number;
  /** total − discount share: TOP's divide_order_fee. Lines add up to trade payment − post_fee. */
  readonly divideFen: number;
}

export type TradeStatus =
  | 'WAIT_BUYER_PAY' | 'WAIT_SELLER_SEND_GOODS' | 'WAIT_BUYER_CONFIRM_GOODS' | 'TRADE_FINISHED' | 'TRADE_CLOSED' | 'TRADE_CLOSED_BY_TAOBAO';

export type StepStatus = 'FRONT_NOPAID_FINAL_NOPAID' | 'FRONT_PAID_FINAL_NOPAID' | 'FRONT_PAID_FINAL_PAID';

export interface TaobaoShipment {
  readonly tid: string;
  readonly sellerId: string;
  readonly companyCode: string;
  readonly outSid: string;
  readonly at: number;
}

export interface TaobaoTrade {
  /** 19 digits beyond 2^53, written as a bare JSON integer as TOP does. */
  readonly tid: string;
  readonly shop: TaobaoSandboxShop;
  readonly scenario: OrderScenario;
  readonly lines: readonly TaobaoLine[];
  readonly buyerOpenUid: string;
  readonly oaid: string;
  status: TradeStatus;
  /** Presale (type=step) only. */
  stepStatus?: StepStatus;
  /** ms. */
  readonly created: number;
  modified: number;
  payTime?: number;
  consignTime?: number;
  endTime?: number;
  receiver: Receiver;
  readonly shipments: TaobaoShipment[];
}

export interface TmcEvent {
  readonly topic: string;
  readonly at: number;
  readonly sellerId: string;
  readonly tid: string;
  readonly status: TradeStatus;
  /** GMT+8 wall clock, as TOP writes times. */
  readonly modified: string;
}

interface Step {
  readonly kind: 'create' | 'pay' | 'finalPay' | 'cancel' | 'addressChange' | 'complete';
  readonly trade: TaobaoTrade;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const BEFORE_SHIPMENT: readonly TradeStatus[] = ['WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS'];

export const topTime = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatWallClock(new Date(ms), CHINA_ZONE));
const yuan = (fen: number): string => minorToDecimal(fen);

export class TaobaoStore {
  readonly skus: readonly TaobaoSku[];
  /** Stock per sku_id, as last set by item/skus.quantity.update (100 of each to start). */
  readonly stock = new Map<string, number>();
  private readonly trades = new Map<string, TaobaoTrade>();
  private readonly tradesByShop = new Map<string, TaobaoTrade[]>();
  private readonly timeline = new Timeline<Step>();
  private readonly listeners: ((event: TmcEvent) => void)[] = [];
  private readonly rng: Prng;
  private readonly rates: ScenarioRates;

  constructor(options: { rng: Prng; shops: readonly TaobaoSandboxShop[]; rates?: Partial<ScenarioRates> }) {
    this.rng = options.rng.fork('trades');
    this.rates = { ...DEFAULT_SCENARIO_RATES, ...options.rates };
    const ids = options.rng.fork('catalogue');
    this.skus = CATALOGUE.flatMap((product) => {
      const numIid = '6' + ids.digits(11);
      return product.skus.map((sku) => ({
        numIid,
        skuId: '5' + ids.digits(12),
        outerIid: product.outProductId,
        outerSkuId: sku.outSkuId,
        title: product.name,
        specs: sku.specs,
      }));
    });
    for (const sku of this.skus) this.stock.set(sku.skuId, 100);
    for (const shop of options.shops) this.tradesByShop.set(shop.sellerId, []);
  }

  onEvent(listener: (event: TmcEvent) => void): void {
    this.listeners.push(listener);
  }

  get(tid: string): TaobaoTrade | undefined {
    return this.trades.get(tid);
  }

  tradesOf(sellerId: string): readonly TaobaoTrade[] {
    return this.tradesByShop.get(sellerId) ?? [];
  }

  plan(shop: TaobaoSandboxShop, count: number, at: number, spreadMs = 0): TaobaoTrade[] {
    const planned: TaobaoTrade[] = [];
    for (let i = 0; i < count; i++) {
      const createdAt = count > 1 ? at - spreadMs + Math.floor((spreadMs * i) / (count - 1)) : at;
      const trade = this.newTrade(shop, generateScenario(this.rng, createdAt, this.rates));
      this.timeline.schedule(createdAt, { kind: 'create', trade });
      planned.push(trade);
    }
    return planned;
  }

  advance(now: number): TmcEvent[] {
    const raised: TmcEvent[] = [];
    const collect = (event: TmcEvent) => raised.push(event);
    this.listeners.push(collect);
    try {
      for (let next = this.timeline.takeNext(now); next; next = this.timeline.takeNext(now)) this.apply(next.item, next.at);
    } finally {
      this.listeners.splice(this.listeners.indexOf(collect), 1);
    }
    return raised;
  }

  /** taobao.logistics.offline.send's effect: undefined when shipped, else why not. */
  ship(trade: TaobaoTrade, shipment: TaobaoShipment): 'not-shippable' | undefined {
    if (trade.status !== 'WAIT_SELLER_SEND_GOODS') return 'not-shippable';
    trade.consignTime = shipment.at;
    trade.shipments.push(shipment);
    this.transition(trade, 'WAIT_BUYER_CONFIRM_GOODS', shipment.at, 'taobao_trade_TradeSellerShip');
    this.timeline.schedule(shipment.at + this.rng.int(3, 10) * DAY, { kind: 'complete', trade });
    return undefined;
  }

  private newTrade(shop: TaobaoSandboxShop, scenario: OrderScenario): TaobaoTrade {
    let tid: string;
    do tid = String(this.rng.int(1, 4)) + this.rng.digits(18);
    while (this.trades.has(tid) || !/^\d{19}$/.test(tid));
    const goodsFen = scenario.lines.reduce((sum, line) => sum + line.unitPriceFen * line.quantity, 0);
    let discountLeft = scenario.discountFen;
    const lines = scenario.lines.map((line, i): TaobaoLine => {
      const sku = this.skus.find((s) => s.outerSkuId === line.sku.outSkuId) as TaobaoSku;
      const totalFen = line.unitPriceFen * line.quantity;
      const last = i === scenario.lines.length - 1;
      const discountShareFen = last ? discountLeft : Math.floor((scenario.discountFen * totalFen) / goodsFen);
      discountLeft -= discountShareFen;
      return { oid: String(BigInt(tid) + BigInt(i + 1)), sku, priceFen: line.unitPriceFen, num: line.quantity, totalFen, discountShareFen, divideFen: totalFen - discountShareFen };
    });
    return {
      tid,
      shop,
      scenario,
      lines,
      buyerOpenUid: 'AAH' + this.rng.digits(8) + 'x' + this.rng.digits(12),
      oaid: '1' + this.rng.digits(9) + 'ElLGCpY' + this.rng.digits(10),
      status: 'WAIT_BUYER_PAY',
      stepStatus: scenario.presale ? 'FRONT_NOPAID_FINAL_NOPAID' : undefined,
      created: scenario.createdAt,
      modified: scenario.createdAt,
      receiver: scenario.receiver,
      shipments: [],
    };
  }

  private apply(step: Step, at: number): void {
    const { trade } = step;
    const s = trade.scenario;
    switch (step.kind) {
      case 'create':
        this.trades.set(trade.tid, trade);
        this.tradesByShop.get(trade.shop.sellerId)?.push(trade);
        this.emit(trade, 'taobao_trade_TradeCreate', at);
        if (s.paidAt !== undefined) this.timeline.schedule(s.paidAt, { kind: 'pay', trade });
        if (s.cancelledAt !== undefined) this.timeline.schedule(s.cancelledAt, { kind: 'cancel', trade });
        if (s.addressChangedAt !== undefined) this.timeline.schedule(s.addressChangedAt, { kind: 'addressChange', trade });
        return;
      case 'pay':
        if (trade.status !== 'WAIT_BUYER_PAY') return;
        trade.payTime = at;
        if (trade.stepStatus) {
          // The deposit (定金): the trade stays WAIT_BUYER_PAY until the balance (尾款) is paid.
          trade.stepStatus = 'FRONT_PAID_FINAL_NOPAID';
          trade.modified = Math.max(trade.modified, at);
          this.emit(trade, 'taobao_trade_TradeBuyerStepPay', at);
          this.timeline.schedule(at + this.rng.int(10, 60) * MINUTE, { kind: 'finalPay', trade });
          return;
        }
        this.transition(trade, 'WAIT_SELLER_SEND_GOODS', at, 'taobao_trade_TradeBuyerPay');
        return;
      case 'finalPay':
        if (trade.status !== 'WAIT_BUYER_PAY') return;
        trade.stepStatus = 'FRONT_PAID_FINAL_PAID';
        this.transition(trade, 'WAIT_SELLER_SEND_GOODS', at, 'taobao_trade_TradeBuyerPay');
        return;
      case 'cancel':
        if (!BEFORE_SHIPMENT.includes(trade.status)) return;
        trade.endTime = at;
        this.transition(trade, trade.payTime === undefined && s.cancelReason === '超时未支付' ? 'TRADE_CLOSED_BY_TAOBAO' : 'TRADE_CLOSED', at, 'taobao_trade_TradeClose');
        return;
      case 'addressChange':
        if (!BEFORE_SHIPMENT.includes(trade.status) || !s.newReceiver) return;
        trade.receiver = s.newReceiver;
        trade.modified = Math.max(trade.modified, at);
        this.emit(trade, 'taobao_trade_TradeLogisticsAddressChanged', at);
        return;
      case 'complete':
        if (trade.status !== 'WAIT_BUYER_CONFIRM_GOODS') return;
        trade.endTime = at;
        this.transition(trade, 'TRADE_FINISHED', at, 'taobao_trade_TradeSuccess');
        return;
    }
  }

  private transition(trade: TaobaoTrade, to: TradeStatus, at: number, topic: string): void {
    trade.status = to;
    trade.modified = Math.max(trade.modified, at);
    this.emit(trade, topic, at);
  }

  private emit(trade: TaobaoTrade, topic: string, at: number): void {
    const event: TmcEvent = { topic, at, sellerId: trade.shop.sellerId, tid: trade.tid, status: trade.status, modified: topTime(trade.modified) as string };
    for (const listener of this.listeners) listener(event);
  }
}

function maskAddress(detail: string): string {
  // TOP masks the house-number part of the address (脱敏): keep the road, star the rest.
  const keep = Math.max(2, Math.min(6, Math.floor(detail.length / 2)));
  return detail.slice(0, keep) + '*'.repeat(Math.max(3, detail.length - keep));
}

/** A trade as TOP writes it (trade.fullinfo.get / trades.sold.increment.get), restricted to `fields` when given. */
export function renderTrade(trade: TaobaoTrade, fields?: ReadonlySet<string>): RawJson {
  const s = trade.scenario;
  const totalFen = trade.lines.reduce((sum, l) => sum + l.totalFen, 0);
  const paymentFen = totalFen + s.postFeeFen - s.discountFen;
  const unpaid = trade.status === 'WAIT_BUYER_PAY' && !trade.stepStatus;
  const r = trade.receiver;
  const full: Record<string, RawJson> = {
    tid: int(trade.tid),
    status: trade.status,
    type: trade.stepStatus ? 'step' : 'fixed',
    step_trade_status: trade.stepStatus,
    step_paid_fee: trade.stepStatus && trade.stepStatus !== 'FRONT_NOPAID_FINAL_NOPAID'
      ? yuan(trade.stepStatus === 'FRONT_PAID_FINAL_PAID' ? paymentFen : Math.min(paymentFen, Math.ceil(paymentFen / 10)))
      : undefined,
    seller_nick: trade.shop.sellerNick,
    buyer_open_uid: trade.buyerOpenUid,
    oaid: trade.oaid,
    receiver_name: r.maskedName,
    receiver_state: r.province.name,
    receiver_city: r.city.name,
    receiver_district: r.district.name,
    receiver_town: r.street.name,
    receiver_address: maskAddress(r.detail),
    receiver_zip: '000000',
    receiver_mobile: r.maskedPhone,
    created: topTime(trade.created),
    modified: topTime(trade.modified),
    pay_time: topTime(trade.payTime),
    consign_time: topTime(trade.consignTime),
    end_time: topTime(trade.endTime),
    total_fee: yuan(totalFen),
    post_fee: yuan(s.postFeeFen),
    discount_fee: yuan(s.discountFen),
    payment: yuan(paymentFen),
    buyer_message: s.buyerMessage,
    seller_memo: undefined,
    orders: {
      order: trade.lines.map((l) => ({
        oid: int(l.oid),
        num_iid: int(l.sku.numIid),
        sku_id: l.sku.skuId,
        outer_iid: l.sku.outerIid,
        outer_sku_id: l.sku.outerSkuId,
        title: l.sku.title,
        sku_properties_name: l.sku.specs.map((sp) => `${sp.name}:${sp.value}`).join(';'),
        num: l.num,
        price: yuan(l.priceFen),
        total_fee: yuan(l.totalFen),
        payment: yuan(l.totalFen),
        divide_order_fee: yuan(l.divideFen),
        part_mjz_discount: yuan(l.discountShareFen),
        status: trade.status,
        refund_status: 'NO_REFUND',
      })),
    },
  };
  if (unpaid) full.pay_time = undefined;
  if (!fields) return full;
  const picked: Record<string, RawJson> = {};
  for (const key of Object.keys(full)) if (fields.has(key)) picked[key] = full[key];
  return picked;
}
