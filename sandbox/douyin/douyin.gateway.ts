import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyDouyin } from '../../src/modules/channels/douyin/douyin.sign.ts';
import { drawLatency, RateLimiter, type FaultOptions } from '../common/faults.ts';
import type { Prng } from '../common/prng.ts';
import { parseJsonKeepingBigIntegers, writeJson } from '../common/raw-json.ts';
import { DOUYIN_APIS, type ApiContext, type ApiRecord, type ApiResult, type ApiLimits } from './douyin.api.ts';
import { envelope, GatewayErrors, type DouyinError } from './douyin.errors.ts';
import type { DouyinStore, SandboxShop } from './douyin.store.ts';
import { readBody } from '../common/lifecycle.ts';

/**
 * The open-platform gateway (https://openapi-fxg.jinritemai.com/<method with dots as slashes>):
 * common parameters in the query string, the business parameters as the raw body, which is the exact
 * `param_json` text the signature covers. Checks run in the platform's order — parameters, app,
 * timestamp, signature, token, rate — and every answer is HTTP 200 with a JSON envelope, errors too,
 * as Douyin answers.
 */

export interface GatewayLimits extends ApiLimits {
  /** How far `timestamp` may be from the gateway's clock, seconds. */
  readonly maxClockSkewSeconds: number;
}

export interface RecordedRequest {
  readonly at: number;
  readonly api: string;
  readonly appKey: string;
  readonly shopId?: string;
  readonly code: number;
  readonly subCode: string;
}

export interface GatewayDeps {
  readonly appSecrets: ReadonlyMap<string, string>;
  readonly shopsByToken: ReadonlyMap<string, SandboxShop>;
  readonly store: DouyinStore;
  readonly record: ApiRecord;
  readonly limits: GatewayLimits;
  readonly faults: FaultOptions;
  readonly rng: Prng;
  /** Sandbox time, ms. */
  readonly now: () => number;
  /** Brings order state up to `now` before each call, so the clock alone drives the lifecycle. */
  readonly advance: () => void;
  readonly onRequest?: (request: RecordedRequest) => void;
}

/** Unix seconds, or the older `yyyy-MM-dd HH:mm:ss` in GMT+8 that some SDKs still send; ms result. */
function parseTimestamp(text: string): number | undefined {
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000;
}

/** `log_id` in the platform's shape: GMT+8 wall time to the second, then 20 hex digits. */
function logId(now: number, rng: Prng): string {
  const wall = new Date(now + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  let hex = '';
  while (hex.length < 20) hex += rng.nextUint32().toString(16).toUpperCase().padStart(8, '0');
  return wall + hex.slice(0, 20);
}

export function createGateway(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = deps.faults.rateLimitPerSecond ? new RateLimiter(deps.faults.rateLimitPerSecond) : undefined;
  const faultRng = deps.rng.fork('gateway-faults');
  const usedIdempotentIds = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const latency = drawLatency(faultRng, deps.faults.latencyMs);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const query = Object.fromEntries(url.searchParams);
    const api = url.pathname.replace(/^\/+/, '').replace(/\//g, '.');
    const now = deps.now();
    let shop: SandboxShop | undefined;

    const outcome = ((): ApiResult => {
      const fail = (error: DouyinError): ApiResult => ({ error });
      if (req.method !== 'POST') return fail(GatewayErrors.parameterInvalid('请使用POST请求'));
      if (!DOUYIN_APIS[api]) return fail(GatewayErrors.apiUnknown());
      for (const name of ['method', 'v', 'timestamp'] as const) {
        if (!query[name]) return fail(GatewayErrors.parameterMissing(name));
      }
      if (query.method !== api) return fail(GatewayErrors.parameterInvalid('method与请求路径不一致'));
      if (query.v !== '2') return fail(GatewayErrors.parameterInvalid('v仅支持2'));
      const appSecret = query.app_key ? deps.appSecrets.get(query.app_key) : undefined;
      if (!appSecret) return fail(GatewayErrors.appKeyUnknown());
      const ts = parseTimestamp(query.timestamp as string);
      if (ts === undefined) return fail(GatewayErrors.timestampFormat());
      if (Math.abs(ts - now) > deps.limits.maxClockSkewSeconds * 1000) return fail(GatewayErrors.timestampSkew());
      if (!query.sign) return fail(GatewayErrors.signatureMissing());
      // Older SDKs put param_json in the query; the body, when present, is what was signed.
      const paramJson = body.length > 0 ? body.toString('utf8') : (query.param_json ?? '');
      if (!verifyDouyin({ ...query, param_json: paramJson }, appSecret)) return fail(GatewayErrors.signatureInvalid());
      if (!query.access_token) return fail(GatewayErrors.accessTokenMissing());
      shop = deps.shopsByToken.get(query.access_token);
      if (!shop) return fail(GatewayErrors.accessTokenUnknown());
      if (shop.appKey !== query.app_key) return fail(GatewayErrors.accessTokenOtherApp());
      if (limiter && !limiter.tryTake(`${query.app_key}:${api}`)) return fail(GatewayErrors.rateLimited());
      if (faultRng.chance(deps.faults.errorRate ?? 0)) return fail(GatewayErrors.serviceBusy());
      let params: unknown;
      try {
        params = parseJsonKeepingBigIntegers(paramJson === '' ? '{}' : paramJson);
      } catch {
        return fail(GatewayErrors.paramJsonInvalid());
      }
      if (params === null || typeof params !== 'object' || Array.isArray(params)) return fail(GatewayErrors.paramJsonInvalid());
      deps.advance();
      const ctx: ApiContext = {
        shop,
        params: params as Record<string, unknown>,
        now,
        store: deps.store,
        record: deps.record,
        limits: deps.limits,
        usedIdempotentIds,
      };
      return (DOUYIN_APIS[api] as (ctx: ApiContext) => ApiResult)(ctx);
    })();

    const legacy = req.headers['x-open-no-old-err-code'] !== '1';
    const text = writeJson(envelope(logId(now, faultRng), outcome, legacy));
    const error = 'error' in outcome ? outcome.error : undefined;
    deps.onRequest?.({
      at: now,
      api,
      appKey: query.app_key ?? '',
      ...(shop ? { shopId: shop.shopId } : {}),
      code: error ? error.code : 10000,
      subCode: error ? error.subCode : '',
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      // Only an unreadable request gets here (oversized or aborted body); the platform drops those.
      if (!res.headersSent) res.writeHead(413).end();
      else res.destroy();
    });
  };
}
