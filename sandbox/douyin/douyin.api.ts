import type { RawJson } from '../common/raw-json.ts';
import { businessFailed, businessInvalid, businessMissing, GatewayErrors, type DouyinError } from './douyin.errors.ts';
import { OrderStatus } from './douyin.lifecycle.ts';
import { renderShopOrder } from './douyin.render.ts';
import type { DouyinOrder, DouyinStore, SandboxShop, Shipment } from './douyin.store.ts';

/**
 * The four APIs the OMS uses, behind the gateway (which has already checked signature, token, time
 * and rate). Each validates its business parameters the way the platform documents them and answers
 * with data or a business error; writes are recorded for tests to read.
 */

export interface StockPush {
  readonly shopId: string;
  readonly at: number;
  readonly outSkuId: string;
  readonly skuId: string;
  readonly productId: string;
  readonly stockNum: number;
  readonly incremental: boolean;
  readonly idempotentId?: string;
  readonly outWarehouseId?: string;
  /** Stock after the push. */
  readonly stockAfter: number;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface ApiRecord {
  readonly stockPushes: StockPush[];
  readonly shipments: Shipment[];
}

export interface ApiLimits {
  /** order.searchList `size` ceiling: 100 on the platform. */
  readonly maxPageSize: number;
  /** Longest create/update time range one searchList call may ask for, seconds. */
  readonly maxWindowSeconds: number;
}

export interface ApiContext {
  readonly shop: SandboxShop;
  readonly params: Readonly<Record<string, unknown>>;
  readonly now: number;
  readonly store: DouyinStore;
  readonly record: ApiRecord;
  readonly limits: ApiLimits;
  /** Idempotency keys already used per shop (sku.syncStock idempotent_id). */
  readonly usedIdempotentIds: Set<string>;
}

export type ApiResult = { readonly data: RawJson } | { readonly error: DouyinError };

type Handler = (ctx: ApiContext) => ApiResult;

/** An integer parameter: JSON number or decimal string, as platform SDKs send either. */
function integer(params: Readonly<Record<string, unknown>>, name: string): number | undefined | 'invalid' {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : 'invalid';
}

function boolean(params: Readonly<Record<string, unknown>>, name: string): boolean | undefined | 'invalid' {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  return 'invalid';
}

/** Ids may come as strings or (big) integers; the body parser turns big integers into digit strings. */
function id(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const raw = params[name];
  if (typeof raw === 'string' && raw !== '') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return String(raw);
  return undefined;
}

/** Resolves a [start, end] pair and checks it against the window limit. */
function timeRange(ctx: ApiContext, field: 'create_time' | 'update_time'): [number, number] | undefined | DouyinError {
  const start = integer(ctx.params, `${field}_start`);
  const end = integer(ctx.params, `${field}_end`);
  if (start === 'invalid') return businessInvalid(`${field}_start`, `${field}_start须为秒级时间戳`);
  if (end === 'invalid') return businessInvalid(`${field}_end`, `${field}_end须为秒级时间戳`);
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined) return businessMissing(`${field}_start`);
  const to = end ?? Math.floor(ctx.now / 1000);
  if (to < start) return businessInvalid(`${field}_end`, `${field}_end不能早于${field}_start`);
  if (to - start > ctx.limits.maxWindowSeconds) {
    return businessInvalid(field, `${field}查询跨度不能超过${ctx.limits.maxWindowSeconds}秒`);
  }
  return [start, to];
}

/** combine_status: [{order_status: "1,2"}] per the SDK, or a bare object as in the platform's sample. */
function statusFilter(params: Readonly<Record<string, unknown>>): Set<number> | undefined | 'invalid' {
  const raw = params.combine_status;
  if (raw === undefined || raw === null) return undefined;
  const items = Array.isArray(raw) ? raw : [raw];
  const statuses = new Set<number>();
  for (const item of items) {
    const text = (item as { order_status?: unknown } | null)?.order_status;
    if (text === undefined) continue;
    for (const part of String(text).split(',')) {
      const n = Number(part.trim());
      if (!Number.isInteger(n)) return 'invalid';
      statuses.add(n);
    }
  }
  return statuses.size > 0 ? statuses : undefined;
}

const searchList: Handler = (ctx) => {
  const page = integer(ctx.params, 'page');
  const size = integer(ctx.params, 'size');
  if (page === undefined) return { error: businessMissing('page') };
  if (size === undefined) return { error: businessMissing('size') };
  if (page === 'invalid' || page < 0) return { error: businessInvalid('page', 'page须为从0开始的整数') };
  if (size === 'invalid' || size < 1 || size > ctx.limits.maxPageSize) {
    return { error: businessInvalid('size', `size须在1到${ctx.limits.maxPageSize}之间`) };
  }
  const orderBy = ctx.params.order_by || 'create_time';
  if (orderBy !== 'create_time' && orderBy !== 'update_time') {
    return { error: businessInvalid('order_by', 'order_by仅支持create_time、update_time') };
  }
  const ascending = boolean(ctx.params, 'order_asc');
  if (ascending === 'invalid') return { error: businessInvalid('order_asc', 'order_asc须为布尔值') };
  const created = timeRange(ctx, 'create_time');
  const updated = timeRange(ctx, 'update_time');
  if (created && !Array.isArray(created)) return { error: created };
  if (updated && !Array.isArray(updated)) return { error: updated };
  const statuses = statusFilter(ctx.params);
  if (statuses === 'invalid') return { error: businessInvalid('combine_status', 'order_status须为逗号分隔的状态码') };

  const inRange = (ms: number, range: [number, number] | undefined) =>
    !range || (Math.floor(ms / 1000) >= range[0] && Math.floor(ms / 1000) <= range[1]);
  const key = (o: DouyinOrder) => (orderBy === 'update_time' ? o.updateTime : o.createTime);
  const direction = ascending ? 1 : -1;
  const matching = ctx.store
    .ordersOf(ctx.shop.shopId)
    .filter((o) => inRange(o.createTime, created) && inRange(o.updateTime, updated) && (!statuses || statuses.has(o.status)))
    // Seconds are what the caller sees, so ties within a second fall back to the order id (all ids
    // have 19 digits, so string order is numeric order).
    .sort((a, b) => direction * (Math.floor(key(a) / 1000) - Math.floor(key(b) / 1000) || (a.orderId < b.orderId ? -1 : 1)));
  const slice = matching.slice(page * size, page * size + size);
  return {
    data: {
      page,
      total: matching.length,
      size,
      shop_order_list: slice.map((o) => renderShopOrder(o, ctx.store.cipher)),
    },
  };
};

function findOrder(ctx: ApiContext, orderId: string): DouyinOrder | undefined {
  const order = ctx.store.get(orderId);
  // Another shop's order is as good as missing: the token only opens its own shop.
  return order && order.shop.shopId === ctx.shop.shopId ? order : undefined;
}

const orderDetail: Handler = (ctx) => {
  const orderId = id(ctx.params, 'shop_order_id');
  if (!orderId) return { error: businessMissing('shop_order_id') };
  const order = findOrder(ctx, orderId);
  if (!order) return { error: businessFailed('order-not-found', '订单不存在') };
  return { data: { shop_order_detail: renderShopOrder(order, ctx.store.cipher) } };
};

const syncStock: Handler = (ctx) => {
  const skuId = id(ctx.params, 'sku_id');
  const outSkuId = id(ctx.params, 'out_sku_id') ?? id(ctx.params, 'code');
  const productId = id(ctx.params, 'product_id');
  if (!skuId && !outSkuId) return { error: businessMissing('sku_id') };
  const stockNum = integer(ctx.params, 'stock_num');
  if (stockNum === undefined) return { error: businessMissing('stock_num') };
  const incremental = boolean(ctx.params, 'incremental') ?? false;
  if (incremental === 'invalid') return { error: businessInvalid('incremental', 'incremental须为布尔值') };
  if (stockNum === 'invalid' || (!incremental && stockNum < 0)) {
    return { error: businessInvalid('stock_num', 'stock_num须为非负整数') };
  }
  const idempotentId = id(ctx.params, 'idempotent_id');
  if (incremental && !idempotentId) return { error: businessMissing('idempotent_id') };
  const sku = ctx.store.skus.find((s) => (skuId ? s.skuId === skuId : s.outSkuId === outSkuId));
  if (!sku || (productId && sku.productId !== productId)) return { error: businessFailed('sku-not-found', '商品或SKU不存在') };
  const idempotencyKey = `${ctx.shop.shopId}:${idempotentId}`;
  if (idempotentId && ctx.usedIdempotentIds.has(idempotencyKey)) return { error: GatewayErrors.idempotentIdExists() };
  const before = ctx.store.stock.get(sku.outSkuId) ?? 0;
  const after = incremental ? before + stockNum : stockNum;
  if (after < 0) return { error: businessFailed('stock-negative', '扣减后库存不能小于0') };
  if (idempotentId) ctx.usedIdempotentIds.add(idempotencyKey);
  ctx.store.stock.set(sku.outSkuId, after);
  const outWarehouseId = id(ctx.params, 'out_warehouse_id');
  ctx.record.stockPushes.push({
    shopId: ctx.shop.shopId,
    at: ctx.now,
    outSkuId: sku.outSkuId,
    skuId: sku.skuId,
    productId: sku.productId,
    stockNum,
    incremental,
    ...(idempotentId ? { idempotentId } : {}),
    ...(outWarehouseId ? { outWarehouseId } : {}),
    stockAfter: after,
    params: ctx.params,
  });
  return { data: {} };
};

const logisticsAdd: Handler = (ctx) => {
  const orderId = id(ctx.params, 'order_id');
  if (!orderId) return { error: businessMissing('order_id') };
  const companyCode = id(ctx.params, 'company_code');
  if (!companyCode) return { error: businessMissing('company_code') };
  if (!/^[a-z][a-z0-9_]*$/.test(companyCode)) return { error: businessInvalid('company_code', '物流公司编码不存在') };
  const trackingNo = id(ctx.params, 'logistics_code');
  if (!trackingNo) return { error: businessMissing('logistics_code') };
  if (!/^[A-Za-z0-9]{6,32}$/.test(trackingNo)) return { error: businessInvalid('logistics_code', '运单号格式不正确') };
  const order = findOrder(ctx, orderId);
  if (!order) return { error: businessFailed('order-not-found', '订单不存在') };
  const shipment: Shipment = { orderId, shopId: ctx.shop.shopId, companyCode, trackingNo, at: ctx.now, params: ctx.params };
  if (ctx.store.ship(order, shipment)) {
    const why = order.status === OrderStatus.Cancelled ? '订单已取消，不能发货' : `订单状态${order.status}不允许发货`;
    return { error: businessFailed('order-status-not-shippable', why) };
  }
  ctx.record.shipments.push(shipment);
  return { data: {} };
};

/** API name (with dots) to handler. The gateway maps `/order/searchList` to `order.searchList`. */
export const DOUYIN_APIS: Readonly<Record<string, Handler>> = {
  'order.searchList': searchList,
  'order.orderDetail': orderDetail,
  'sku.syncStock': syncStock,
  'order.logisticsAdd': logisticsAdd,
};
