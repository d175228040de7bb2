import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyJd } from '../../src/modules/channels/jd/jd.sign.ts';
import { minorToDecimal } from '../../src/platform/money.ts';
import { formatWallClock, parseWallClock } from '../../src/platform/time/wall-clock.ts';
import { drawLatency, RateLimiter, type FaultOptions } from '../common/faults.ts';
import type { Prng } from '../common/prng.ts';
import { writeJson, type RawJson } from '../common/raw-json.ts';
import { JD_SKUS, JD_STATES, type JdSandboxOrder, type JdSandboxShop, type JdState, type JdStore } from './jd.store.ts';
import { readBody } from '../common/lifecycle.ts';

/**
 * The JD routerjson gateway (https://api.jd.com/routerjson): `method, app_key, access_token,
 * timestamp, v=2.0, 360buy_param_json, sign` in the query or a form body, every answer HTTP 200
 * with either `<method with _>_responce` (JD's spelling) or `error_response`.
 *
 * Error codes: only 19 (无效签名) was given to us as JD's own. JD's other system codes could not be
 * confirmed here, so the rest below are labelled guesses (GUESS) kept distinct from 19.
 */

export interface JdError {
  readonly code: string;
  readonly zh_desc: string;
  readonly en_desc: string;
}

const err = (code: string, zh: string, en: string): JdError => ({ code, zh_desc: zh, en_desc: en });
export const JdErrors = {
  serviceBusy: () => err('1', '系统繁忙，请稍后再试', 'Service is busy, try again later'), // GUESS
  missingParam: (name: string) => err('5', `缺少必要参数${name}`, `Missing required parameter ${name}`), // GUESS
  methodUnknown: () => err('6', '无效的方法名', 'Invalid method'), // GUESS
  versionInvalid: () => err('7', '无效的版本号', 'Invalid version'), // GUESS
  appKeyUnknown: () => err('15', '无效的app_key', 'Invalid app_key'), // GUESS
  timestampInvalid: () => err('16', '无效的时间戳或与服务器时间相差过大', 'Invalid timestamp'), // GUESS
  accessTokenInvalid: () => err('18', '无效的access_token', 'Invalid access_token'), // GUESS
  signatureInvalid: () => err('19', '无效签名', 'Invalid signature'), // given in our brief as JD's code
  rateLimited: () => err('66', '调用频率超限', 'Call rate limit exceeded'), // GUESS
  paramInvalid: (zh: string, en: string) => err('61', zh, en), // GUESS: business parameter errors
} as const;

export interface GatewayLimits {
  readonly maxPageSize: number;
  /** Longest start_date..end_date span enSearch accepts, seconds. */
  readonly maxWindowSeconds: number;
  /** How far `timestamp` may be from the gateway's clock, seconds. */
  readonly maxClockSkewSeconds: number;
}

export interface StockWrite {
  readonly at: number;
  readonly venderId: string;
  readonly skuId: string;
  readonly stockNum: number;
  readonly storeId?: string;
}
export interface ShipmentWrite {
  readonly at: number;
  readonly venderId: string;
  readonly orderId: string;
  readonly logiCoprId: string;
  readonly logiNo: string;
}
export interface RecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly appKey: string;
  readonly venderId?: string;
  /** '0' on success, else the error code. */
  readonly code: string;
}

export interface GatewayDeps {
  readonly appSecrets: ReadonlyMap<string, string>;
  readonly shopsByToken: ReadonlyMap<string, JdSandboxShop>;
  readonly store: JdStore;
  readonly limits: GatewayLimits;
  readonly faults: FaultOptions;
  readonly rng: Prng;
  readonly now: () => number;
  readonly advance: () => void;
  readonly stockWrites: StockWrite[];
  readonly shipments: ShipmentWrite[];
  readonly onRequest?: (request: RecordedRequest) => void;
}

type Result = { ok: RawJson } | { error: JdError };

const yuan = (fen: number) => minorToDecimal(fen);
const wall = (ms: number) => formatWallClock(new Date(ms));
const STATE_REMARK: Record<JdState, string> = {
  WAIT_SELLER_STOCK_OUT: '等待出库', WAIT_SELLER_DELIVERY: '等待发货', WAIT_GOODS_RECEIVE_CONFIRM: '等待确认收货',
  FINISHED_L: '完成', TRADE_CANCELED: '取消', LOCKED: '已锁定', POP_ORDER_PAUSE: '暂停',
};

function maskDetail(detail: string): string {
  return detail.length <= 4 ? '****' : `${detail.slice(0, Math.ceil(detail.length / 3))}****`;
}

/** One order as enSearch/enGet return it: ids and money as strings, consignee masked. */
export function renderJdOrder(order: JdSandboxOrder): RawJson {
  const s = order.scenario;
  const goods = order.lines.reduce((sum, l) => sum + l.priceFen * l.quantity, 0);
  const r = order.receiver;
  return {
    orderId: order.orderId,
    venderId: order.venderId,
    orderType: '22',
    payType: '4-在线支付',
    orderTotalPrice: yuan(goods),
    orderSellerPrice: yuan(goods - s.discountFen),
    orderPayment: yuan(goods + s.postFeeFen - s.discountFen),
    freightPrice: yuan(s.postFeeFen),
    sellerDiscount: yuan(s.discountFen),
    orderState: order.state,
    orderStateRemark: STATE_REMARK[order.state],
    deliveryType: '任意时间',
    orderRemark: s.buyerMessage ?? '',
    orderStartTime: wall(s.createdAt),
    paymentConfirmTime: s.paidAt !== undefined ? wall(Math.floor(s.paidAt / 1000) * 1000) : undefined,
    modified: wall(order.modified),
    venderRemark: order.venderRemark,
    consigneeInfo: {
      fullname: r.maskedName,
      mobile: r.maskedPhone,
      telephone: r.maskedPhone,
      province: r.province.name,
      provinceId: r.province.code,
      city: r.city.name,
      cityId: r.city.code,
      county: r.district.name,
      countyId: r.district.code,
      town: r.street.name,
      townId: r.street.code,
      fullAddress: `${r.province.name}${r.city.name}${r.district.name}${r.street.name}${maskDetail(r.detail)}`,
    },
    itemInfoList: order.lines.map((l) => ({
      skuId: l.sku.skuId,
      outerSkuId: l.sku.outerSkuId,
      skuName: l.sku.name,
      wareId: l.sku.wareId,
      jdPrice: yuan(l.priceFen),
      itemTotal: String(l.quantity),
    })),
  };
}

interface Ctx {
  readonly shop: JdSandboxShop;
  readonly params: Record<string, unknown>;
  readonly now: number;
  readonly deps: GatewayDeps;
}

const apiResult = { success: true, code: '0', chineseErrCode: '成功', englishErrCode: 'success' };
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() || undefined : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
const bad = (zh: string, en: string): Result => ({ error: JdErrors.paramInvalid(zh, en) });

function positiveInt(v: unknown): number | undefined {
  const s = str(v);
  return s && /^\d+$/.test(s) ? Number(s) : undefined;
}

function parseDate(v: unknown): number | undefined {
  const s = str(v);
  if (!s || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) return undefined;
  try {
    return parseWallClock(s).getTime();
  } catch {
    return undefined;
  }
}

export const JD_APIS: Record<string, (ctx: Ctx) => Result> = {
  'jingdong.pop.order.enSearch'({ shop, params, deps }) {
    const from = parseDate(params.start_date);
    const to = parseDate(params.end_date);
    if (from === undefined || to === undefined) return bad('start_date、end_date必须为yyyy-MM-dd HH:mm:ss', 'start_date and end_date must be yyyy-MM-dd HH:mm:ss');
    if (to < from) return bad('end_date不能早于start_date', 'end_date is before start_date');
    if (to - from > deps.limits.maxWindowSeconds * 1000) {
      return bad(`查询时间跨度不能超过${deps.limits.maxWindowSeconds / 86400}天`, `the time span may not exceed ${deps.limits.maxWindowSeconds} seconds`);
    }
    const page = params.page === undefined ? 1 : positiveInt(params.page);
    const pageSize = params.page_size === undefined ? 20 : positiveInt(params.page_size);
    if (!page || page < 1) return bad('page从1开始', 'page starts at 1');
    if (!pageSize || pageSize < 1 || pageSize > deps.limits.maxPageSize) return bad(`page_size须在1到${deps.limits.maxPageSize}之间`, `page_size must be 1 to ${deps.limits.maxPageSize}`);
    const stateText = str(params.order_state);
    const states = stateText ? stateText.split(',').map((x) => x.trim()) : [...JD_STATES];
    if (states.some((x) => !(JD_STATES as readonly string[]).includes(x))) return bad('order_state取值错误', 'unknown order_state');
    const matched = deps.store
      .ordersOf(shop.venderId)
      .filter((o) => states.includes(o.state) && o.modified >= from && o.modified <= to)
      .sort((a, b) => a.modified - b.modified || a.orderId.localeCompare(b.orderId));
    const slice = matched.slice((page - 1) * pageSize, page * pageSize);
    return {
      ok: {
        code: '0',
        searchorderinfo_result: { apiResult, orderInfoList: slice.map(renderJdOrder), orderTotal: matched.length },
      },
    };
  },

  'jingdong.pop.order.enGet'({ shop, params, deps }) {
    const orderId = str(params.order_id);
    if (!orderId || !/^\d+$/.test(orderId)) return bad('order_id必须为数字', 'order_id must be digits');
    const order = deps.store.get(orderId);
    const mine = order && order.venderId === shop.venderId && order.visible ? order : undefined;
    return { ok: { code: '0', orderDetailInfo: { apiResult, ...(mine ? { orderInfo: renderJdOrder(mine) } : {}) } } };
  },

  // Not in our reference: the merchant-code lookup a connector needs before a stock write. The
  // method name is JD's (jingdong.sku.read.searchSkuList); its `outerId` parameter and page shape
  // are as recalled, unverified.
  'jingdong.sku.read.searchSkuList'({ params }) {
    const outerId = str(params.outerId);
    const data = JD_SKUS.filter((s) => outerId === undefined || s.outerSkuId === outerId).map((s) => ({
      skuId: s.skuId, wareId: s.wareId, outerId: s.outerSkuId, skuName: s.name,
    }));
    return { ok: { code: '0', page: { data, totalItem: data.length, pageNo: 1 } } };
  },

  'jingdong.stock.write.updateSkuStock'({ shop, params, now, deps }) {
    const skuId = str(params.skuId);
    const stockNum = typeof params.stockNum === 'number' ? params.stockNum : positiveInt(params.stockNum);
    if (!skuId || !JD_SKUS.some((s) => s.skuId === skuId)) return bad('skuId不存在', 'unknown skuId');
    if (stockNum === undefined || !Number.isSafeInteger(stockNum) || stockNum < 0) return bad('stockNum须为非负整数', 'stockNum must be a non-negative integer');
    const storeId = str(params.storeId);
    deps.stockWrites.push({ at: now, venderId: shop.venderId, skuId, stockNum, ...(storeId ? { storeId } : {}) });
    return { ok: { code: '0', success: true } };
  },

  'jingdong.pop.order.shipment'({ shop, params, now, deps }) {
    const orderId = str(params.orderId);
    const logiCoprId = str(params.logiCoprId);
    const logiNo = str(params.logiNo);
    if (!orderId || !logiCoprId || !logiNo) return bad('orderId、logiCoprId、logiNo必填', 'orderId, logiCoprId and logiNo are required');
    const order = deps.store.get(orderId);
    if (!order || order.venderId !== shop.venderId || !order.visible) return bad('订单不存在', 'no such order');
    if (order.state !== 'WAIT_SELLER_STOCK_OUT' && order.state !== 'WAIT_SELLER_DELIVERY') {
      return bad(`订单状态${order.state}不允许出库`, `order in state ${order.state} cannot be shipped`);
    }
    deps.store.change(order, 'WAIT_GOODS_RECEIVE_CONFIRM', now);
    deps.shipments.push({ at: now, venderId: shop.venderId, orderId, logiCoprId, logiNo });
    return { ok: { code: '0', sopjosshipment_result: { success: true, chineseErr: '', errorCode: '' } } };
  },
};

export function createJdGateway(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = deps.faults.rateLimitPerSecond ? new RateLimiter(deps.faults.rateLimitPerSecond) : undefined;
  const faultRng = deps.rng.fork('jd-gateway-faults');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    const latency = drawLatency(faultRng, deps.faults.latencyMs);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const url = new URL(req.url ?? '/', 'http://sandbox');
    // Query and form body both carry parameters; the body wins, as a form post's fields are the request.
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (body && !/json/i.test(req.headers['content-type'] ?? '')) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
    const now = deps.now();
    const method = params.method ?? '';
    let shop: JdSandboxShop | undefined;

    const outcome = ((): Result => {
      const fail = (error: JdError): Result => ({ error });
      if (url.pathname !== '/routerjson') return fail(JdErrors.methodUnknown());
      for (const name of ['method', 'app_key', 'timestamp', 'v'] as const) if (!params[name]) return fail(JdErrors.missingParam(name));
      if (!JD_APIS[method]) return fail(JdErrors.methodUnknown());
      if (params.v !== '2.0') return fail(JdErrors.versionInvalid());
      const secret = deps.appSecrets.get(params.app_key as string);
      if (!secret) return fail(JdErrors.appKeyUnknown());
      const ts = parseDate(params.timestamp);
      if (ts === undefined || Math.abs(ts - now) > deps.limits.maxClockSkewSeconds * 1000) return fail(JdErrors.timestampInvalid());
      if (!params.sign) return fail(JdErrors.missingParam('sign'));
      if (!verifyJd(params, secret)) return fail(JdErrors.signatureInvalid());
      shop = params.access_token ? deps.shopsByToken.get(params.access_token) : undefined;
      if (!shop || shop.appKey !== params.app_key) return fail(JdErrors.accessTokenInvalid());
      if (limiter && !limiter.tryTake(`${params.app_key}:${method}`)) return fail(JdErrors.rateLimited());
      if (faultRng.chance(deps.faults.errorRate ?? 0)) return fail(JdErrors.serviceBusy());
      let business: unknown;
      try {
        business = JSON.parse(params['360buy_param_json'] || '{}');
      } catch {
        return fail(JdErrors.paramInvalid('360buy_param_json不是合法的JSON', '360buy_param_json is not valid JSON'));
      }
      if (business === null || typeof business !== 'object' || Array.isArray(business)) {
        return fail(JdErrors.paramInvalid('360buy_param_json须为JSON对象', '360buy_param_json must be a JSON object'));
      }
      deps.advance();
      return (JD_APIS[method] as (ctx: Ctx) => Result)({ shop, params: business as Record<string, unknown>, now, deps });
    })();

    const error = 'error' in outcome ? outcome.error : undefined;
    const text = writeJson(error ? { error_response: { ...error } } : { [`${method.replace(/\./g, '_')}_responce`]: (outcome as { ok: RawJson }).ok });
    deps.onRequest?.({ at: now, method, appKey: params.app_key ?? '', ...(shop ? { venderId: shop.venderId } : {}), code: error ? error.code : '0' });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(413).end();
      else res.destroy();
    });
  };
}

