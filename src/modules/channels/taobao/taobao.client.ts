import { ChannelApiError, ChannelPayloadError, type ConnectorDeps } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { isRecord } from '../channels.normalise.ts';
import { signTop, topTimestamp } from './taobao.sign.ts';

/** Taobao/Tmall open platform (TOP) gateway. */
export const TOP_GATEWAY = 'https://gw.api.taobao.com/router/rest';
const TIMEOUT_MS = 15_000;

export type TopParams = Record<string, string | number | boolean | undefined>;

/** The gateway URL for a shop: `apiBaseUrl` may be the full router URL or just its origin (a sandbox). */
export function topGatewayOf(shop: Pick<ShopCredentials, 'apiBaseUrl'>): string {
  if (!shop.apiBaseUrl) return TOP_GATEWAY;
  const base = shop.apiBaseUrl.replace(/\/+$/, '');
  return base.endsWith('/router/rest') ? base : `${base}/router/rest`;
}

/** Integer literals outside strings; a string token is matched whole so digits inside it are left alone. */
const jsonToken = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const longInteger = /^-?[1-9]\d{15,}$/;

/** JSON.parse keeping every integer of 16+ digits as its digit string (TOP `tid`/`oid` exceed 2^53). */
export function parseTopJson(text: string): unknown {
  const safe = text.replace(/^\uFEFF/, '').replace(jsonToken, (token) => (longInteger.test(token) ? `"${token}"` : token));
  try {
    return JSON.parse(safe);
  } catch {
    throw new ChannelPayloadError('TOP response is not JSON', text.slice(0, 200));
  }
}


/**
 * TOP's platform errors below 100 are the caller's fault except 7 (App Call Limited) and
 * 10/15 with an `isp.*` sub-code (server side: try later). Business errors (15 with `isv.*`) are not
 * retryable.
 */
export function topRetryable(code: number, subCode: string | undefined): boolean {
  if (code === 7 || code === 10) return true;
  if (subCode && (subCode.startsWith('isp.') || subCode.startsWith('accesscontrol.'))) return true;
  return false;
}

/** The `<method with _>_response` member of a successful answer; `error_response` becomes a ChannelApiError. */
export function topResponseOf(body: unknown, method: string, channel: ShopCredentials['channel'] = 'taobao'): Record<string, unknown> {
  if (!isRecord(body)) throw new ChannelPayloadError('TOP response must be a JSON object');
  const error = body.error_response;
  if (isRecord(error)) {
    const code = Number(error.code);
    const subCode = typeof error.sub_code === 'string' ? error.sub_code : undefined;
    const detail = [error.msg, subCode, error.sub_msg].filter((v) => typeof v === 'string' && v).join(': ');
    throw new ChannelApiError(channel, String(error.code ?? 'unknown'), detail || 'error response', topRetryable(code, subCode));
  }
  const key = `${method.replace(/^(taobao|tmall)\./, '').replace(/\./g, '_')}_response`;
  const response = body[key];
  if (!isRecord(response)) throw new ChannelPayloadError(`TOP response has no ${key}`);
  return response;
}

/**
 * One signed TOP call: every parameter (common and business) form-encoded in the POST body and
 * signed with hmac-sha256. Returns the `<method>_response` object; transport failures are retryable
 * ChannelApiErrors, `error_response` a ChannelApiError per topRetryable.
 */
export async function callTop(shop: ShopCredentials, method: string, business: TopParams, deps: ConnectorDeps): Promise<Record<string, unknown>> {
  const params: Record<string, string> = {
    method,
    app_key: shop.appKey,
    session: shop.accessToken ?? '',
    timestamp: topTimestamp(deps.clock.now()),
    format: 'json',
    v: '2.0',
    sign_method: 'hmac-sha256',
    simplify: 'false',
  };
  for (const [key, value] of Object.entries(business)) if (value !== undefined && value !== '') params[key] = String(value);
  params.sign = signTop(params, shop.appSecret);
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(topGatewayOf(shop), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ChannelApiError(shop.channel, 'network', err instanceof Error ? err.message : String(err), true);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ChannelApiError(shop.channel, `http_${response.status}`, text.slice(0, 200), response.status >= 500 || response.status === 429);
  }
  return topResponseOf(parseTopJson(text), method, shop.channel);
}
