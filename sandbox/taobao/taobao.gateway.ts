import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkTopTimestamp, verifyTop } from '../../src/modules/channels/taobao/taobao.sign.ts';
import { drawLatency, RateLimiter, type FaultOptions } from '../common/faults.ts';
import type { Prng } from '../common/prng.ts';
import { int, writeJson, type RawJson } from '../common/raw-json.ts';
import { parseWallClock, CHINA_ZONE } from '../../src/platform/time/wall-clock.ts';
import { renderTrade, topTime, type TaobaoSandboxShop, type TaobaoShipment, type TaobaoStore } from './taobao.store.ts';
import { readBody } from '../common/lifecycle.ts';

/**
 * The TOP router (`/router/rest`): every parameter — common and business — in the query string or
 * an x-www-form-urlencoded body, signed together (taobao.sign.ts). Checks run in the platform's
 * order: method, app key, version, format, timestamp, signature, session, rate. Errors come back as
 * `{"error_response":{code,msg,sub_code?,sub_msg?,request_id}}`, successes as
 * `{"<method without taobao., dots as _>_response":{…,"request_id":…}}`, all with HTTP 200.
 */

export interface TopLimits {
  readonly maxPageSize: number;
  /** Longest start_modified..end_modified window, seconds (TOP: one day). */
  readonly maxWindowSeconds: number;
  readonly maxClockSkewSeconds: number;
}

export interface TaobaoStockPush {
  readonly at: number;
  readonly method: string;
  readonly sellerId: string;
  readonly numIid: string;
  readonly skuId?: string;
  readonly outerId?: string;
  readonly quantity: number;
  /** 1 set, 2 add. */
  readonly type: number;
}

export interface TopRecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly appKey: string;
  readonly sellerId?: string;
  /** 0 for success. */
  readonly code: number;
  readonly subCode: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface TopGatewayDeps {
  readonly appSecrets: ReadonlyMap<string, string>;
  readonly shopsBySession: ReadonlyMap<string, TaobaoSandboxShop>;
  readonly store: TaobaoStore;
  readonly stockPushes: TaobaoStockPush[];
  readonly shipments: TaobaoShipment[];
  readonly limits: TopLimits;
  readonly faults: FaultOptions;
  readonly rng: Prng;
  readonly now: () => number;
  readonly advance: () => void;
  readonly onRequest?: (request: TopRecordedRequest) => void;
}

interface TopError {
  readonly code: number;
  readonly msg: string;
  readonly subCode?: string;
  readonly subMsg?: string;
}

type Outcome = { error: TopError } | { body: Record<string, RawJson> };

/** TOP's platform errors (错误码一览), as the sandbox uses them. */
export const TopErrors = {
  appCallLimited: (): TopError => ({ code: 7, msg: 'App Call Limited', subCode: 'accesscontrol.limited-by-api-access-count', subMsg: 'This ban will last for 1 more seconds' }),
  remoteServiceError: (): TopError => ({ code: 15, msg: 'Remote service error', subCode: 'isp.remote-service-timeout', subMsg: '服务超时，请稍后重试' }),
  missingMethod: (): TopError => ({ code: 21, msg: 'Missing method' }),
  invalidMethod: (): TopError => ({ code: 22, msg: 'Invalid method' }),
  invalidFormat: (): TopError => ({ code: 23, msg: 'Invalid format' }),
  missingSignature: (): TopError => ({ code: 24, msg: 'Missing signature' }),
  invalidSignature: (): TopError => ({ code: 25, msg: 'Invalid signature' }),
  missingSession: (): TopError => ({ code: 26, msg: 'Missing session' }),
  invalidSession: (): TopError => ({ code: 27, msg: 'Invalid session', subCode: 'invalid-sessionkey', subMsg: 'SessionKey非法' }),
  missingAppKey: (): TopError => ({ code: 28, msg: 'Missing app key' }),
  invalidAppKey: (): TopError => ({ code: 29, msg: 'Invalid app Key' }),
  missingTimestamp: (): TopError => ({ code: 30, msg: 'Missing timestamp' }),
  invalidTimestamp: (): TopError => ({ code: 31, msg: 'Invalid timestamp' }),
  missingVersion: (): TopError => ({ code: 32, msg: 'Missing version' }),
  invalidVersion: (): TopError => ({ code: 33, msg: 'Invalid version' }),
  missingRequired: (field: string): TopError => ({ code: 40, msg: `Missing required arguments:${field}`, subCode: 'isv.missing-parameter', subMsg: `Missing required arguments:${field}` }),
  invalidArguments: (field: string, why: string): TopError => ({ code: 41, msg: `Invalid arguments:${field}`, subCode: `isv.invalid-parameter:${field}`, subMsg: why }),
  business: (subCode: string, subMsg: string): TopError => ({ code: 15, msg: 'Remote service error', subCode, subMsg }),
};

function requestId(rng: Prng): string {
  return rng.nextUint32().toString(36) + rng.nextUint32().toString(36);
}

/** The response member name: `taobao.trade.fullinfo.get` → `trade_fullinfo_get_response`. */
export function responseKeyOf(method: string): string {
  return `${method.replace(/^(taobao|tmall)\./, '').replace(/\./g, '_')}_response`;
}

interface ApiContext {
  readonly shop: TaobaoSandboxShop;
  readonly p: Readonly<Record<string, string>>;
  readonly now: number;
  readonly deps: TopGatewayDeps;
}

type Api = (ctx: ApiContext) => Outcome;

const fail = (error: TopError): Outcome => ({ error });

function positiveInt(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function fieldSet(fields: string): Set<string> {
  return new Set(fields.split(',').map((f) => f.trim().replace(/^orders\..*$/, 'orders')).filter(Boolean));
}

function parseTopTime(value: string): number | undefined {
  try {
    return parseWallClock(value, CHINA_ZONE).getTime();
  } catch {
    return undefined;
  }
}

const APIS: Readonly<Record<string, Api>> = {
  'taobao.trades.sold.increment.get': ({ shop, p, deps }) => {
    for (const name of ['fields', 'start_modified', 'end_modified'] as const) if (!p[name]) return fail(TopErrors.missingRequired(name));
    const from = parseTopTime(p.start_modified as string);
    const to = parseTopTime(p.end_modified as string);
    if (from === undefined) return fail(TopErrors.invalidArguments('start_modified', 'must be yyyy-MM-dd HH:mm:ss'));
    if (to === undefined) return fail(TopErrors.invalidArguments('end_modified', 'must be yyyy-MM-dd HH:mm:ss'));
    if (to < from) return fail(TopErrors.invalidArguments('end_modified', 'end_modified must not be before start_modified'));
    if (to - from > deps.limits.maxWindowSeconds * 1000) return fail(TopErrors.invalidArguments('start_modified', '查询时间跨度不能超过一天'));
    const pageNo = p.page_no === undefined ? 1 : positiveInt(p.page_no);
    if (pageNo === undefined || pageNo < 1) return fail(TopErrors.invalidArguments('page_no', 'page_no starts at 1'));
    const pageSize = p.page_size === undefined ? 40 : positiveInt(p.page_size);
    if (pageSize === undefined || pageSize < 1 || pageSize > deps.limits.maxPageSize) return fail(TopErrors.invalidArguments('page_size', `1..${deps.limits.maxPageSize}`));
    const useHasNext = p.use_has_next === 'true';
    // Newest first by modified, as the platform returns them; tid breaks ties for a stable order.
    const matching = deps.store
      .tradesOf(shop.sellerId)
      .filter((t) => t.modified >= from && t.modified <= to && (!p.status || t.status === p.status))
      .sort((a, b) => b.modified - a.modified || (a.tid < b.tid ? 1 : a.tid > b.tid ? -1 : 0));
    const page = matching.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    const fields = fieldSet(p.fields as string);
    return {
      body: {
        total_results: useHasNext ? undefined : matching.length,
        has_next: pageNo * pageSize < matching.length,
        trades: { trade: page.map((t) => renderTrade(t, fields)) },
      },
    };
  },

  'taobao.trade.fullinfo.get': ({ shop, p, deps }) => {
    if (!p.fields) return fail(TopErrors.missingRequired('fields'));
    if (!p.tid) return fail(TopErrors.missingRequired('tid'));
    const trade = deps.store.get(p.tid);
    if (!trade || trade.shop.sellerId !== shop.sellerId) return fail(TopErrors.business('isv.trade-not-exist', `交易${p.tid}不存在`));
    return { body: { trade: renderTrade(trade, fieldSet(p.fields)) } };
  },

  'taobao.skus.custom.get': ({ p, deps }) => {
    if (!p.outer_id) return fail(TopErrors.missingRequired('outer_id'));
    if (!p.fields) return fail(TopErrors.missingRequired('fields'));
    const skus = deps.store.skus.filter((s) => s.outerSkuId === p.outer_id);
    return {
      body: {
        skus: { sku: skus.map((s) => ({ sku_id: int(s.skuId), num_iid: int(s.numIid), outer_id: s.outerSkuId, quantity: deps.store.stock.get(s.skuId) ?? 0 })) },
      },
    };
  },

  'taobao.item.quantity.update': ({ shop, p, now, deps }) => {
    if (!p.num_iid) return fail(TopErrors.missingRequired('num_iid'));
    if (p.quantity === undefined) return fail(TopErrors.missingRequired('quantity'));
    const quantity = /^-?\d+$/.test(p.quantity) ? Number(p.quantity) : undefined;
    const type = p.type === undefined ? 1 : Number(p.type);
    if (quantity === undefined || (type === 1 && quantity < 0)) return fail(TopErrors.invalidArguments('quantity', 'must be an integer, not negative for a full set'));
    if (type !== 1 && type !== 2) return fail(TopErrors.invalidArguments('type', '1 full set or 2 increment'));
    const sku = deps.store.skus.find((s) => s.numIid === p.num_iid && (p.sku_id ? s.skuId === p.sku_id : p.outer_id ? s.outerSkuId === p.outer_id : false));
    if (!sku) return fail(TopErrors.business('isv.item-quantity-item-update-service-error', 'sku not found for num_iid'));
    const next = type === 1 ? quantity : (deps.store.stock.get(sku.skuId) ?? 0) + quantity;
    deps.store.stock.set(sku.skuId, Math.max(0, next));
    deps.stockPushes.push({ at: now, method: 'taobao.item.quantity.update', sellerId: shop.sellerId, numIid: sku.numIid, skuId: sku.skuId, outerId: sku.outerSkuId, quantity, type });
    return { body: { item: { num_iid: int(sku.numIid), num: deps.store.stock.get(sku.skuId) ?? 0, modified: topTime(now) } } };
  },

  'taobao.skus.quantity.update': ({ shop, p, now, deps }) => {
    if (!p.num_iid) return fail(TopErrors.missingRequired('num_iid'));
    const spec = p.skuid_quantities ?? p.outerid_quantities;
    if (!spec) return fail(TopErrors.missingRequired('skuid_quantities'));
    const byOuter = !p.skuid_quantities;
    const type = p.type === undefined ? 1 : Number(p.type);
    if (type !== 1 && type !== 2) return fail(TopErrors.invalidArguments('type', '1 full set or 2 increment'));
    const pairs = spec.split(';').filter(Boolean).map((pair) => pair.split(':'));
    if (pairs.length === 0 || pairs.length > 20) return fail(TopErrors.invalidArguments(byOuter ? 'outerid_quantities' : 'skuid_quantities', '1 to 20 entries'));
    const updates = [];
    for (const [id, qty] of pairs) {
      const sku = deps.store.skus.find((s) => s.numIid === p.num_iid && (byOuter ? s.outerSkuId === id : s.skuId === id));
      if (!sku || !qty || !/^-?\d+$/.test(qty)) return fail(TopErrors.invalidArguments(byOuter ? 'outerid_quantities' : 'skuid_quantities', `bad entry ${id}:${qty}`));
      updates.push({ sku, quantity: Number(qty) });
    }
    for (const { sku, quantity } of updates) {
      const next = type === 1 ? quantity : (deps.store.stock.get(sku.skuId) ?? 0) + quantity;
      deps.store.stock.set(sku.skuId, Math.max(0, next));
      deps.stockPushes.push({ at: now, method: 'taobao.skus.quantity.update', sellerId: shop.sellerId, numIid: sku.numIid, skuId: sku.skuId, outerId: sku.outerSkuId, quantity, type });
    }
    return { body: { item: { num_iid: int(p.num_iid) } } };
  },

  'taobao.logistics.offline.send': ({ shop, p, now, deps }) => {
    for (const name of ['tid', 'out_sid', 'company_code'] as const) if (!p[name]) return fail(TopErrors.missingRequired(name));
    const trade = deps.store.get(p.tid as string);
    if (!trade || trade.shop.sellerId !== shop.sellerId) return fail(TopErrors.business('isv.logistics-offline-service-error:B01', `交易${p.tid}不存在`));
    const shipment: TaobaoShipment = { tid: trade.tid, sellerId: shop.sellerId, companyCode: p.company_code as string, outSid: p.out_sid as string, at: now };
    if (deps.store.ship(trade, shipment)) return fail(TopErrors.business('isv.logistics-offline-service-error:B04', '当前交易状态不支持此操作'));
    deps.shipments.push(shipment);
    return { body: { shipping: { is_success: true } } };
  },
};

export const TOP_METHODS = Object.keys(APIS);

export function createTopGateway(deps: TopGatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = deps.faults.rateLimitPerSecond ? new RateLimiter(deps.faults.rateLimitPerSecond) : undefined;
  const faultRng = deps.rng.fork('top-gateway-faults');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)).toString('utf8');
    const latency = drawLatency(faultRng, deps.faults.latencyMs);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname !== '/router/rest') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const p: Record<string, string> = Object.fromEntries(url.searchParams);
    if (body && String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body)) p[k] = v;
    }
    const now = deps.now();
    let shop: TaobaoSandboxShop | undefined;
    const method = p.method ?? '';

    const outcome = ((): Outcome => {
      if (!p.method) return fail(TopErrors.missingMethod());
      if (!p.app_key) return fail(TopErrors.missingAppKey());
      const secret = deps.appSecrets.get(p.app_key);
      if (!secret) return fail(TopErrors.invalidAppKey());
      const api = APIS[method];
      if (!api) return fail(TopErrors.invalidMethod());
      if (!p.v) return fail(TopErrors.missingVersion());
      if (p.v !== '2.0') return fail(TopErrors.invalidVersion());
      if (p.format !== undefined && p.format !== 'json') return fail(TopErrors.invalidFormat());
      if (!p.timestamp) return fail(TopErrors.missingTimestamp());
      if (!checkTopTimestamp(p.timestamp, new Date(now), deps.limits.maxClockSkewSeconds * 1000).ok) return fail(TopErrors.invalidTimestamp());
      if (!p.sign) return fail(TopErrors.missingSignature());
      if (!verifyTop(p, secret)) return fail(TopErrors.invalidSignature());
      if (!p.session) return fail(TopErrors.missingSession());
      shop = deps.shopsBySession.get(p.session);
      if (!shop || shop.appKey !== p.app_key) return fail(TopErrors.invalidSession());
      if (limiter && !limiter.tryTake(`${p.app_key}:${method}`)) return fail(TopErrors.appCallLimited());
      if (faultRng.chance(deps.faults.errorRate ?? 0)) return fail(TopErrors.remoteServiceError());
      deps.advance();
      return api({ shop, p, now, deps });
    })();

    const id = requestId(faultRng);
    const error = 'error' in outcome ? outcome.error : undefined;
    const text = error
      ? writeJson({ error_response: { code: error.code, msg: error.msg, sub_code: error.subCode, sub_msg: error.subMsg, request_id: id } })
      : writeJson({ [responseKeyOf(method)]: { ...(outcome as { body: Record<string, RawJson> }).body, request_id: id } });
    deps.onRequest?.({ at: now, method, appKey: p.app_key ?? '', ...(shop ? { sellerId: shop.sellerId } : {}), code: error?.code ?? 0, subCode: error?.subCode ?? '', params: p });
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(413).end();
      else res.destroy();
    });
  };
}
