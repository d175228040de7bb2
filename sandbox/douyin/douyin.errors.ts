import type { RawJson } from '../common/raw-json.ts';

/**
 * The Douyin open-platform gateway's error catalogue (抖店平台基础错误码), as the platform answers:
 * HTTP 200 with `code` (main), `msg`, `sub_code`, `sub_msg`. Success is code 10000.
 *
 * Platform-level rows (20000, 30001, 40001, 40003, 60000, 70000) follow the table published in the
 * platform's docs and repeated by third-party SDKs. The business-level rows (40002 / 40004 with a
 * `:{detail}` suffix, 50002) follow the documented pattern "isv.parameter-missing:{底层错误码}"; the
 * detail codes and messages after the colon are the sandbox's own, not the platform's.
 */

export interface DouyinError {
  readonly code: number;
  readonly msg: string;
  readonly subCode: string;
  readonly subMsg: string;
}

const MAIN_MSG: Readonly<Record<number, string>> = {
  20000: '服务不可用',
  30001: '操作权限不足',
  40001: '缺少必选参数',
  40002: '缺少必选参数',
  40003: '非法的参数',
  40004: '非法的参数',
  50002: '业务处理失败',
  60000: '触发限流，请稍后重试',
  70000: '接口服务已下线',
};

function error(code: number, subCode: string, subMsg: string): DouyinError {
  return { code, msg: MAIN_MSG[code] ?? '其他异常', subCode, subMsg };
}

export const GatewayErrors = {
  serviceBusy: () => error(20000, 'dop.service-error', '服务繁忙'),
  parameterMissing: (name: string) => error(40001, 'isv.parameter-missing', `缺少参数${name}`),
  signatureMissing: () => error(40001, 'isv.signature-missing', '获取签名失败，请根据文档确保参数拼装正确'),
  appKeyUnknown: () => error(40001, 'isv.app-id-missing', '认证失败，app_key不存在'),
  accessTokenMissing: () => error(40001, 'isv.access-token-missing', '认证失败，access_token不能为空'),
  parameterInvalid: (detail: string) => error(40003, 'isv.parameter-invalid', `参数错误：${detail}`),
  paramJsonInvalid: () => error(40003, 'isv.parameter-format-invalid', '业务参数json解析失败，所有参数需为string类型'),
  signatureInvalid: () => error(40003, 'isv.signature-invalid', '签名校验失败'),
  accessTokenUnknown: () => error(40003, 'isv.access-token-no-existed', 'access_token不存在，请使用最新的access_token访问'),
  accessTokenOtherApp: () => error(40003, 'isv.access-token-invalid', 'app_key和access_token不匹配，请仔细检查'),
  timestampFormat: () => error(40003, 'isv.timestamp-format-error', '时间戳格式错误'),
  timestampSkew: () => error(40003, 'isv.timestamp-invalid', '时间戳不合法'),
  idempotentIdExists: () => error(40003, 'isv.idempotent-id-existed', '幂等ID重复'),
  rateLimited: () => error(60000, 'isv.traffic-limited', '请求太频繁，请稍后重试'),
  apiUnknown: () => error(70000, 'isp.api-service-off', 'API不存在或API已下线'),
};

/** Business validation inside an API (业务校验): a required field absent. */
export function businessMissing(field: string): DouyinError {
  return error(40002, `isv.parameter-missing:${field}`, `${field}不能为空`);
}

/** Business validation inside an API: a field present but not acceptable. */
export function businessInvalid(field: string, why: string): DouyinError {
  return error(40004, `isv.parameter-invalid:${field}`, why);
}

/** The request was well formed but the operation cannot be done (order not found, wrong state). */
export function businessFailed(reason: string, subMsg: string): DouyinError {
  return error(50002, `isv.business-failed:${reason}`, subMsg);
}

/**
 * The response envelope. `err_no`/`message` are the platform's older fields, still returned unless
 * the caller sends `x-open-no-old-err-code: 1` (the official SDKs do); err_no is 0 on success.
 */
export function envelope(
  logId: string,
  outcome: { readonly data: RawJson } | { readonly error: DouyinError },
  legacyFields: boolean,
): RawJson {
  const failed = 'error' in outcome ? outcome.error : undefined;
  return {
    data: failed ? {} : (outcome as { data: RawJson }).data,
    log_id: logId,
    err_no: legacyFields ? (failed ? failed.code : 0) : undefined,
    message: legacyFields ? (failed ? failed.subMsg : 'success') : undefined,
    code: failed ? failed.code : 10000,
    msg: failed ? failed.msg : 'success',
    sub_code: failed ? failed.subCode : '',
    sub_msg: failed ? failed.subMsg : '',
  };
}
