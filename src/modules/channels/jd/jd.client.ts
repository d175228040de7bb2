import { formatWallClock } from '../../../platform/time/wall-clock.ts';
import { ChannelApiError, type ConnectorDeps } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import { isRecord } from '../channels.normalise.ts';
import { signJd } from './jd.sign.ts';

/** JD open platform gateway (京东开放平台 / 宙斯 JOS). */
export const JD_GATEWAY = 'https://api.jd.com/routerjson';
const TIMEOUT_MS = 15_000;

/**
 * Error codes treated as worth retrying. Only 19 (invalid signature) was given to us as JD's; the
 * rest are the sandbox's labelled guesses (see sandbox/jd/jd.sandbox.ts), matched together with the
 * Chinese description so a real system/limit error is recognised by its words too.
 */
const RETRYABLE_CODES = new Set(['1', '66']);
const RETRYABLE_WORDS = /系统|繁忙|限流|频率|busy|rate limit|system error/i;

/** `jingdong.pop.order.enSearch` → `jingdong_pop_order_enSearch_responce` (JD's own spelling). */
export function jdResponseKey(method: string): string {
  return `${method.replace(/\./g, '_')}_responce`;
}


/** Integer literals longer than 15 digits become strings, so no id is rounded through a double. */
export function parseJdJson(text: string): unknown {
  const safe = text
    .replace(/^\uFEFF/, '')
    .replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (t) => (/^-?[1-9]\d{15,}$/.test(t) ? `"${t}"` : t));
  return JSON.parse(safe);
}

/**
 * One signed routerjson call: system parameters and `360buy_param_json` as a form body (the exact
 * string that was signed). Returns the content under `<method>_responce`; `error_response` and
 * transport failures become ChannelApiErrors.
 */
export async function callJd(shop: ShopCredentials, method: string, business: Record<string, unknown>, deps: ConnectorDeps): Promise<Record<string, unknown>> {
  const paramJson = JSON.stringify(business);
  const params = {
    method,
    app_key: shop.appKey,
    access_token: shop.accessToken ?? '',
    timestamp: formatWallClock(deps.clock.now()),
    v: '2.0',
    '360buy_param_json': paramJson,
  };
  const sign = signJd(params, shop.appSecret);
  const url = shop.apiBaseUrl ? `${shop.apiBaseUrl.replace(/\/$/, '')}/routerjson` : JD_GATEWAY;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({ ...params, sign }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ChannelApiError('jd', 'network', err instanceof Error ? err.message : String(err), true);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ChannelApiError('jd', `http_${response.status}`, text.slice(0, 200), response.status >= 500 || response.status === 429);
  }
  let body: unknown;
  try {
    body = parseJdJson(text);
  } catch {
    throw new ChannelApiError('jd', 'bad_json', text.slice(0, 200), true);
  }
  if (!isRecord(body)) throw new ChannelApiError('jd', 'bad_json', 'response is not an object', true);
  if (isRecord(body.error_response)) {
    const e = body.error_response;
    const code = String(e.code ?? 'unknown');
    const message = String(e.zh_desc ?? e.en_desc ?? '');
    throw new ChannelApiError('jd', code, message, RETRYABLE_CODES.has(code) || RETRYABLE_WORDS.test(`${message} ${String(e.en_desc ?? '')}`));
  }
  const content = body[jdResponseKey(method)];
  if (!isRecord(content)) throw new ChannelApiError('jd', 'bad_response', `no ${jdResponseKey(method)} in the response`, false);
  return content;
}
