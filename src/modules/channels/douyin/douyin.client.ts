import { toUnixSeconds } from '../../../platform/time/instants.ts';
import { ChannelApiError, type ConnectorDeps } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { douyinParamJson, signDouyin, type DouyinBusinessParams } from './douyin.sign.ts';
import { parseDouyinJson } from './douyin.normalise.ts';

/** Douyin shop open platform gateway (抖店开放平台). */
export const DOUYIN_GATEWAY = 'https://openapi-fxg.jinritemai.com';
const TIMEOUT_MS = 15_000;

/**
 * One signed call: common parameters in the query string, business parameters as the JSON body —
 * the very bytes that were signed. Returns the parsed response (ids beyond 2^53 kept as strings);
 * transport failures become retryable ChannelApiErrors.
 */
export async function callDouyin(shop: ShopCredentials, method: string, business: DouyinBusinessParams, deps: ConnectorDeps): Promise<unknown> {
  const paramJson = douyinParamJson(business);
  const common = {
    app_key: shop.appKey,
    method,
    timestamp: String(toUnixSeconds(deps.clock.now())),
    v: '2',
    sign_method: 'hmac-sha256',
  };
  const sign = signDouyin({ ...common, param_json: paramJson }, shop.appSecret);
  const query = new URLSearchParams({ ...common, access_token: shop.accessToken ?? '', sign });
  const url = `${(shop.apiBaseUrl ?? DOUYIN_GATEWAY).replace(/\/$/, '')}/${method.replace(/\./g, '/')}?${query}`;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: paramJson,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ChannelApiError('douyin', 'network', err instanceof Error ? err.message : String(err), true);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ChannelApiError('douyin', `http_${response.status}`, text.slice(0, 200), response.status >= 500 || response.status === 429);
  }
  return parseDouyinJson(text);
}
