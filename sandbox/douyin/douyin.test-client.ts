import { douyinParamJson, signDouyin, type DouyinBusinessParams } from '../../src/modules/channels/douyin/douyin.sign.ts';
import { parseJsonKeepingBigIntegers } from '../common/raw-json.ts';
import type { DouyinSandbox } from './douyin.sandbox.ts';

/**
 * A deliberately minimal signed caller for the sandbox's own tests: it builds the request exactly as
 * the platform documents (common parameters in the query, `param_json` as the body) and can break
 * one thing at a time, so each test shows which rule the gateway enforces. Not a connector.
 */

export interface CallOptions {
  readonly appKey?: string;
  readonly appSecret?: string;
  readonly accessToken?: string;
  /** Unix seconds; defaults to the sandbox's now. */
  readonly timestamp?: number;
  readonly signMethod?: 'md5' | 'hmac-sha256';
  /** Applied to the body after signing: how a re-serialising client breaks its own signature. */
  readonly tamperBody?: (body: string) => string;
  readonly tamperSign?: (sign: string) => string;
}

export interface CallResult {
  readonly status: number;
  readonly text: string;
  /** Parsed with big integers kept as digit strings. */
  readonly json: {
    code: number;
    msg: string;
    sub_code: string;
    sub_msg: string;
    data: Record<string, unknown>;
    [key: string]: unknown;
  };
}

export const TEST_APP = { appKey: '7345678901234567890', appSecret: 'sandbox-secret-不要外传', shopId: '77977', accessToken: 'tok-77977' };

export async function callDouyin(
  sandbox: DouyinSandbox,
  method: string,
  business: DouyinBusinessParams,
  options: CallOptions = {},
): Promise<CallResult> {
  const appKey = options.appKey ?? TEST_APP.appKey;
  const paramJson = douyinParamJson(business);
  const timestamp = options.timestamp ?? Math.floor(sandbox.now() / 1000);
  const signed = { app_key: appKey, method, param_json: paramJson, timestamp, v: '2', sign_method: options.signMethod };
  const sign = signDouyin(signed, options.appSecret ?? TEST_APP.appSecret);
  const query = new URLSearchParams({
    app_key: appKey,
    method,
    access_token: options.accessToken ?? TEST_APP.accessToken,
    timestamp: String(timestamp),
    v: '2',
    sign: options.tamperSign ? options.tamperSign(sign) : sign,
    ...(options.signMethod ? { sign_method: options.signMethod } : {}),
  });
  const body = options.tamperBody ? options.tamperBody(paramJson) : paramJson;
  const response = await fetch(`${sandbox.url}/${method.replace(/\./g, '/')}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, json: parseJsonKeepingBigIntegers(text) as CallResult['json'] };
}
