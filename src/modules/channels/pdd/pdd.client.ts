import { toUnixSeconds } from '../../../platform/time/instants.ts';
import { ChannelApiError, type ConnectorDeps } from '../connector.ts';
import type { ShopCredentials } from '../shops.service.ts';
import type { SignValue } from '../signing/params.ts';
import { signPdd } from './pdd.sign.ts';

/** Pinduoduo open platform gateway (拼多多开放平台): one URL, the API named by `type`. */
export const PDD_GATEWAY = 'https://gw-api.pinduoduo.com/api/router';
const TIMEOUT_MS = 15_000;

/**
 * Gateway error codes that trying again can cure. The envelope shape
 * (`error_response{error_code, error_msg, sub_code, sub_msg, request_id}`) is PDD's; these code
 * numbers are NOT confirmed against PDD's published table (the search found none) and are shared
 * with the sandbox as its assumption: 52001/52002 rate limited, 50000/50001 system busy or
 * unavailable.
 */
export const PDD_RETRYABLE_CODES: ReadonlySet<number> = new Set([50000, 50001, 52001, 52002]);

export type PddBusinessParams = Readonly<Record<string, SignValue | object>>;

/** Objects and lists travel as JSON strings, and the signature covers exactly that string. */
function wire(business: PddBusinessParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(business)) {
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

/**
 * One signed call: every parameter, common and business, in one form body, signed together.
 * Returns the parsed success body (`{<api>_response: …}`); `error_response` and transport
 * failures become ChannelApiErrors.
 */
export async function callPdd(shop: ShopCredentials, type: string, business: PddBusinessParams, deps: ConnectorDeps): Promise<Record<string, unknown>> {
  const params: Record<string, string> = {
    ...wire(business),
    type,
    client_id: shop.appKey,
    timestamp: String(toUnixSeconds(deps.clock.now())),
    data_type: 'JSON',
  };
  if (shop.accessToken) params.access_token = shop.accessToken;
  params.sign = signPdd(params as typeof params & { type: string; client_id: string; timestamp: string }, shop.appSecret);
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(shop.apiBaseUrl ? `${shop.apiBaseUrl.replace(/\/$/, '')}/api/router` : PDD_GATEWAY, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ChannelApiError('pdd', 'network', err instanceof Error ? err.message : String(err), true);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ChannelApiError('pdd', `http_${response.status}`, text.slice(0, 200), response.status >= 500 || response.status === 429);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ChannelApiError('pdd', 'bad_json', text.slice(0, 200), true);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ChannelApiError('pdd', 'bad_json', text.slice(0, 200), true);
  const error = (body as Record<string, unknown>).error_response as Record<string, unknown> | undefined;
  if (error && typeof error === 'object') {
    const code = Number(error.error_code);
    const sub = typeof error.sub_code === 'string' && error.sub_code ? `/${error.sub_code}` : '';
    const message = [error.error_msg, error.sub_msg].filter((m) => typeof m === 'string' && m).join(': ');
    throw new ChannelApiError('pdd', `${error.error_code}${sub}`, message || 'error', PDD_RETRYABLE_CODES.has(code));
  }
  return body as Record<string, unknown>;
}
