import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { signPdd, verifyPdd } from '../../src/modules/channels/pdd/pdd.sign.ts';
import type { FaultOptions } from '../common/faults.ts';
import type { ScenarioRates } from '../common/order-scenario.ts';
import { Prng } from '../common/prng.ts';
import { pddIdsOf, PddStore, renderPddOrder, type PddMessage, type SandboxMall } from './pdd.store.ts';
import { OneAtATime, SandboxClock, closeServer, instantOf, listen, readBody } from '../common/lifecycle.ts';

/**
 * A Pinduoduo open-platform sandbox (拼多多开放平台): `POST {url}/api/router`, every parameter in one
 * JSON or form body, signed as `src/modules/channels/pdd/pdd.sign.ts`. Seeded orders evolve with
 * the sandbox clock; messages are delivered by HTTP POST (see `pushEvents` and README.md).
 */

export interface PddSandboxOptions {
  readonly port?: number;
  readonly host?: string;
  /** appKey = client_id, appSecret = client_secret; shopId = mall_id. */
  readonly apps: readonly {
    readonly appKey: string;
    readonly appSecret: string;
    readonly shops: readonly { readonly shopId: string; readonly accessToken: string; readonly shopName?: string }[];
  }[];
  readonly seed?: number | string;
  readonly clock?: () => number | Date;
  /** errorRate, duplicateRate and reorderRate are honoured; latency and rate limits are not. */
  readonly faults?: FaultOptions;
  readonly webhook?: { readonly url: string; readonly appKey: string; readonly appSecret: string };
  readonly scenario?: Partial<ScenarioRates>;
  readonly limits?: Partial<PddLimits>;
}

export interface PddLimits {
  readonly maxPageSize: number;
  readonly maxWindowSeconds: number;
  readonly maxClockSkewSeconds: number;
}

export const PDD_DEFAULT_LIMITS: PddLimits = { maxPageSize: 100, maxWindowSeconds: 30 * 60, maxClockSkewSeconds: 600 };

/**
 * Error codes. The envelope is PDD's; the numbers are the sandbox's assumptions, not checked
 * against PDD's published table (which the search did not find): treat them as guesses.
 */
export const PddErrors = {
  paramInvalid: 10000, // guess: business parameter missing or invalid
  clientUnknown: 10001, // guess
  accessTokenInvalid: 10002, // guess
  signInvalid: 10016, // guess (as briefed): signature missing or wrong
  timestampInvalid: 10019, // guess (as briefed): timestamp not Unix seconds, or too far from now
  apiUnknown: 10003, // guess
  businessFailed: 10004, // guess: order not found, not shippable
  systemBusy: 50000, // guess; the client treats it as retryable
} as const;

export interface PddRecordedRequest {
  readonly at: number;
  readonly type: string;
  readonly clientId: string;
  readonly mallId?: string;
  readonly errorCode: number;
  readonly params: Readonly<Record<string, string>>;
}

export interface PddStockUpdate {
  readonly at: number;
  readonly mallId: string;
  readonly goodsId: string;
  readonly skuId?: string;
  readonly outerId?: string;
  readonly quantity: number;
  readonly updateType: 1 | 2;
}

export interface PddShipment {
  readonly at: number;
  readonly mallId: string;
  readonly orderSn: string;
  readonly logisticsId: string;
  readonly trackingNumber: string;
}

export interface PddDelivery {
  readonly at: number;
  readonly messageId: string;
  readonly status: number;
  readonly body: string;
}

export interface PddPushReport {
  messages: number;
  duplicates: number;
  failedPosts: number;
}

export interface PddSandbox {
  readonly url: string;
  readonly port: number;
  readonly malls: readonly SandboxMall[];
  readonly store: PddStore;
  readonly recorded: {
    readonly requests: PddRecordedRequest[];
    readonly stockUpdates: PddStockUpdate[];
    readonly shipments: PddShipment[];
    readonly events: PddMessage[];
    readonly webhookDeliveries: PddDelivery[];
  };
  now(): number;
  /** Plans orders as the Douyin sandbox does; returns the order_sn of each (unpaid ones never appear). */
  generateOrders(count: number, at?: number | Date, options?: { shopId?: string; spreadSeconds?: number }): string[];
  advance(ms?: number): void;
  pushEvents(): Promise<PddPushReport>;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(readonly code: number, message: string, readonly subCode: string) {
    super(message);
  }
}

function parseParams(contentType: string, body: string): Record<string, string> {
  if (contentType.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ApiError(PddErrors.paramInvalid, 'body is not JSON', 'param_format_invalid');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(PddErrors.paramInvalid, 'body is not a JSON object', 'param_format_invalid');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (v === null || v === undefined) continue;
      out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  }
  return Object.fromEntries(new URLSearchParams(body));
}

const intParam = (params: Record<string, string>, key: string, required = true): number | undefined => {
  const v = params[key];
  if (v === undefined || v === '') {
    if (required) throw new ApiError(PddErrors.paramInvalid, `missing ${key}`, `missing_${key}`);
    return undefined;
  }
  if (!/^-?\d+$/.test(v)) throw new ApiError(PddErrors.paramInvalid, `${key} is not an integer`, `invalid_${key}`);
  return Number(v);
};

export async function startPddSandbox(options: PddSandboxOptions): Promise<PddSandbox> {
  const rng = new Prng(options.seed ?? 1);
  const secrets = new Map(options.apps.map((a) => [a.appKey, a.appSecret]));
  const malls: SandboxMall[] = options.apps.flatMap((app) =>
    app.shops.map((s) => {
      if (!/^\d+$/.test(s.shopId)) throw new TypeError(`mall id must be numeric, got ${s.shopId}`);
      return { mallId: s.shopId, mallName: s.shopName ?? `拼多多沙箱店铺${s.shopId}`, clientId: app.appKey, accessToken: s.accessToken };
    }),
  );
  if (malls.length === 0) throw new TypeError('the sandbox needs at least one shop');
  const byToken = new Map(malls.map((m) => [m.accessToken, m]));
  const limits = { ...PDD_DEFAULT_LIMITS, ...options.limits };
  const faults = options.faults ?? {};
  const clock = new SandboxClock(options.clock);
  const now = () => clock.now();
  const store = new PddStore(rng.fork('orders'), options.scenario);
  const faultRng = rng.fork('faults');
  const recorded: PddSandbox['recorded'] = { requests: [], stockUpdates: [], shipments: [], events: [], webhookDeliveries: [] };
  const queue: PddMessage[] = [];
  store.onMessage((m) => {
    recorded.events.push(m);
    if (options.webhook) queue.push(m);
  });
  const advance = () => store.advance(now());

  function handle(params: Record<string, string>): { mall: SandboxMall; body: unknown } {
    const type = params.type;
    const clientId = params.client_id;
    if (!type || !clientId || !params.timestamp) throw new ApiError(PddErrors.paramInvalid, 'missing type, client_id or timestamp', 'missing_common_param');
    const secret = secrets.get(clientId);
    if (!secret) throw new ApiError(PddErrors.clientUnknown, 'client_id not found', 'client_id_invalid');
    if (!/^\d{1,10}$/.test(params.timestamp)) throw new ApiError(PddErrors.timestampInvalid, 'timestamp must be Unix seconds', 'timestamp_invalid');
    if (Math.abs(Number(params.timestamp) - now() / 1000) > limits.maxClockSkewSeconds) throw new ApiError(PddErrors.timestampInvalid, 'timestamp expired', 'timestamp_expired');
    if (!params.sign || !verifyPdd(params, secret)) throw new ApiError(PddErrors.signInvalid, 'sign check failed', 'sign_invalid');
    if (params.data_type !== undefined && params.data_type.toUpperCase() !== 'JSON') throw new ApiError(PddErrors.paramInvalid, 'data_type must be JSON', 'data_type_invalid');
    const mall = params.access_token ? byToken.get(params.access_token) : undefined;
    if (!mall || mall.clientId !== clientId) throw new ApiError(PddErrors.accessTokenInvalid, 'access_token invalid', 'access_token_invalid');
    if (faults.errorRate && faultRng.chance(faults.errorRate)) throw new ApiError(PddErrors.systemBusy, 'system busy', 'system_busy');
    advance();
    const at = now();

    switch (type) {
      case 'pdd.order.number.list.increment.get': {
        const start = intParam(params, 'start_updated_at')!;
        const end = intParam(params, 'end_updated_at')!;
        if (end < start) throw new ApiError(PddErrors.paramInvalid, 'end_updated_at before start_updated_at', 'time_range_invalid');
        if (end - start > limits.maxWindowSeconds) throw new ApiError(PddErrors.paramInvalid, `time range exceeds ${limits.maxWindowSeconds / 60} minutes`, 'time_range_too_long');
        const page = intParam(params, 'page', false) ?? 1;
        const pageSize = intParam(params, 'page_size', false) ?? 100;
        if (page < 1) throw new ApiError(PddErrors.paramInvalid, 'page starts at 1', 'invalid_page');
        if (pageSize < 1 || pageSize > limits.maxPageSize) throw new ApiError(PddErrors.paramInvalid, `page_size must be 1-${limits.maxPageSize}`, 'invalid_page_size');
        const orderStatus = intParam(params, 'order_status', false) ?? 5;
        const refundStatus = intParam(params, 'refund_status', false) ?? 5;
        const matching = store.ordersOf(mall.mallId).filter((o) => {
          const sec = Math.floor(o.updatedAt / 1000);
          return sec >= start && sec <= end && (orderStatus === 5 || o.orderStatus === orderStatus) && (refundStatus === 5 || o.refundStatus === refundStatus);
        });
        const slice = matching.slice((page - 1) * pageSize, page * pageSize);
        return {
          mall,
          body: { order_sn_increment_get_response: { total_count: matching.length, has_next: page * pageSize < matching.length, order_sn_list: slice.map(renderPddOrder) } },
        };
      }
      case 'pdd.order.information.get': {
        const order = params.order_sn ? store.get(params.order_sn) : undefined;
        if (!params.order_sn) throw new ApiError(PddErrors.paramInvalid, 'missing order_sn', 'missing_order_sn');
        if (!order || order.mallId !== mall.mallId) throw new ApiError(PddErrors.businessFailed, 'order not found', 'order_not_found');
        return { mall, body: { order_info_get_response: { order_info: renderPddOrder(order) } } };
      }
      case 'pdd.goods.quantity.update': {
        const quantity = intParam(params, 'quantity')!;
        const updateType = intParam(params, 'update_type', false) ?? 1;
        if (updateType !== 1 && updateType !== 2) throw new ApiError(PddErrors.paramInvalid, 'update_type must be 1 or 2', 'invalid_update_type');
        if (updateType === 1 && quantity < 0) throw new ApiError(PddErrors.paramInvalid, 'quantity must be >= 0', 'invalid_quantity');
        const outerId = params.outer_id || undefined;
        const skuId = params.sku_id || undefined;
        if (!outerId && !skuId) throw new ApiError(PddErrors.paramInvalid, 'sku_id or outer_id required', 'missing_sku_id');
        // The sandbox finds goods_id from outer_id when it is left out.
        const goodsId = params.goods_id || (outerId ? pddIdsOf(outerId)?.goodsId.toString() : undefined);
        if (!goodsId) throw new ApiError(PddErrors.businessFailed, 'goods not found', 'goods_not_found');
        recorded.stockUpdates.push({ at, mallId: mall.mallId, goodsId, skuId, outerId, quantity, updateType });
        return { mall, body: { goods_quantity_update_response: { is_success: true } } };
      }
      case 'pdd.logistics.online.send': {
        const orderSn = params.order_sn;
        const logisticsId = params.logistics_id;
        const tracking = params.tracking_number;
        if (!orderSn || !logisticsId || !tracking) throw new ApiError(PddErrors.paramInvalid, 'order_sn, logistics_id and tracking_number are required', 'missing_param');
        const order = store.get(orderSn);
        if (!order || order.mallId !== mall.mallId) throw new ApiError(PddErrors.businessFailed, 'order not found', 'order_not_found');
        const outcome = store.ship(orderSn, logisticsId, tracking, at);
        if (outcome !== 'ok') throw new ApiError(PddErrors.businessFailed, 'order cannot be shipped', 'order_not_shippable');
        recorded.shipments.push({ at, mallId: mall.mallId, orderSn, logisticsId, trackingNumber: tracking });
        return { mall, body: { logistics_online_send_response: { is_success: true } } };
      }
      default:
        throw new ApiError(PddErrors.apiUnknown, `unknown api ${type}`, 'api_not_found');
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const reply = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || path !== '/api/router') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error_response: { error_code: PddErrors.apiUnknown, error_msg: 'not found', sub_code: 'path_not_found', request_id: rng.digits(16) } }));
        return;
      }
      let params: Record<string, string> = {};
      try {
        params = parseParams(String(req.headers['content-type'] ?? ''), (await readBody(req)).toString('utf8'));
        const { mall, body } = handle(params);
        recorded.requests.push({ at: now(), type: params.type!, clientId: params.client_id!, mallId: mall.mallId, errorCode: 0, params });
        reply(body);
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError(PddErrors.systemBusy, err instanceof Error ? err.message : String(err), 'system_error');
        recorded.requests.push({ at: now(), type: params.type ?? '', clientId: params.client_id ?? '', errorCode: e.code, params });
        reply({ error_response: { error_code: e.code, error_msg: e.message, sub_code: e.subCode, sub_msg: '', request_id: `${Date.now()}${rng.digits(6)}` } });
      }
    })();
  });
  const { port, url } = await listen(server, options.port, options.host);

  async function deliver(message: PddMessage): Promise<boolean> {
    const hook = options.webhook!;
    const fields: Record<string, string | number> = {
      type: message.type,
      client_id: hook.appKey,
      mall_id: Number(message.mallId),
      order_sn: message.orderSn,
      message_id: message.messageId,
      timestamp: Math.floor(now() / 1000),
    };
    const body = JSON.stringify({ ...fields, sign: signPdd(fields as typeof fields & { type: string; client_id: string; timestamp: number }, hook.appSecret) });
    let status = 0;
    try {
      const response = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      status = response.status;
      await response.text();
    } catch {
      status = 0;
    }
    recorded.webhookDeliveries.push({ at: now(), messageId: message.messageId, status, body });
    return status === 200;
  }

  const pushes = new OneAtATime<PddPushReport>();
  async function pushOnce(): Promise<PddPushReport> {
    advance();
    const due = queue.splice(0, queue.length);
    const plan: PddMessage[] = [];
    let duplicates = 0;
    for (const m of due) {
      plan.push(m);
      if (faults.duplicateRate && faultRng.chance(faults.duplicateRate)) {
        plan.push(m);
        duplicates++;
      }
    }
    if (faults.reorderRate) {
      for (let i = 0; i + 1 < plan.length; i++) {
        if (faultRng.chance(faults.reorderRate)) [plan[i], plan[i + 1]] = [plan[i + 1]!, plan[i]!];
      }
    }
    let failedPosts = 0;
    const failed = new Set<PddMessage>();
    for (const m of plan) {
      if (!(await deliver(m))) {
        failedPosts++;
        failed.add(m);
      }
    }
    // Undelivered messages wait for the next push, as PDD keeps unacknowledged messages.
    queue.unshift(...failed);
    return { messages: plan.length, duplicates, failedPosts };
  }

  return {
    url,
    port,
    malls,
    store,
    recorded,
    now,
    generateOrders(count, at, generateOptions = {}) {
      const mall = generateOptions.shopId ? malls.find((m) => m.mallId === generateOptions.shopId) : malls[0];
      if (!mall) throw new TypeError(`no sandbox mall ${generateOptions.shopId}`);
      const when = instantOf(at, clock);
      const sns = store.plan(mall, count, when, (generateOptions.spreadSeconds ?? 0) * 1000);
      advance();
      return sns;
    },
    advance(ms = 0) {
      clock.forward(ms);
      advance();
    },
    async pushEvents() {
      if (!options.webhook) throw new Error('pushEvents needs the webhook option');
      return pushes.run(() => pushOnce());
    },
    async close() {
      await pushes.idle();
      await closeServer(server);
    },
  };
}
