import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { douyinParamJson, signDouyin, signDouyinEvent, verifyDouyin, verifyDouyinEvent } from './douyin.sign.ts';

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

test('param_json sorts keys at every depth, keeps array order and keeps big ids as strings', () => {
  const business = {
    order_id: '4988512874560712345',
    page: 0,
    size: 20,
    Zone: 'cn',
    items: [
      { sku_id: '3512345678901234567', spec: { b: 2, a: 1 } },
      { ab: '收货', a_b: [{ y: true, x: null }] },
    ],
    extra: undefined,
    // Integer-like keys are where JS's own object order differs from byte order.
    filter: { a: [3, 1, 2], '9': 'nine', '10': 'ten' },
  };
  assert.equal(
    douyinParamJson(business),
    '{"Zone":"cn","filter":{"10":"ten","9":"nine","a":[3,1,2]},' +
      '"items":[{"sku_id":"3512345678901234567","spec":{"a":1,"b":2}},{"a_b":[{"x":null,"y":true}],"ab":"收货"}],' +
      '"order_id":"4988512874560712345","page":0,"size":20}',
  );
  assert.equal(douyinParamJson({}), '{}');
});

test('param_json refuses what it cannot send faithfully', () => {
  assert.throws(() => douyinParamJson({ order_id: 4988512874560712345 }), TypeError);
  assert.throws(() => douyinParamJson({ price: Number.NaN }), TypeError);
  assert.throws(() => douyinParamJson({ at: new Date() as never }), TypeError);
  assert.throws(() => douyinParamJson({ list: [1, undefined as never] }), TypeError);
});

const paramJson = '{"order_id":"4988512874560712345","page":0,"size":20}';
const request = { app_key: '7123', method: 'order.searchList', param_json: paramJson, timestamp: 1766593800, v: '2' };
const signString = `sec_retapp_key7123methodorder.searchListparam_json${paramJson}timestamp1766593800v2sec_ret`;

test('md5 (the default) over the fixed field order, lower-case hex', () => {
  assert.equal(signDouyin(request, 'sec_ret'), md5(signString));
  assert.equal(signDouyin({ ...request, sign_method: 'md5' }, 'sec_ret'), md5(signString));
  assert.equal(signDouyin({ ...request, timestamp: '1766593800' }, 'sec_ret'), md5(signString));
});

test('hmac-sha256 over the same string, keyed by the app secret', () => {
  const expected = createHmac('sha256', 'sec_ret').update(signString, 'utf8').digest('hex');
  assert.equal(signDouyin({ ...request, sign_method: 'hmac-sha256' }, 'sec_ret'), expected);
});

for (const sign_method of ['md5', 'hmac-sha256']) {
  test(`${sign_method}: signed requests verify; any changed byte does not`, () => {
    const params = { ...request, timestamp: String(request.timestamp), sign_method };
    const sign = signDouyin(params, 'sec_ret');
    // access_token is sent but not signed.
    assert.equal(verifyDouyin({ ...params, access_token: 'tok', sign }, 'sec_ret'), true);
    for (const key of ['app_key', 'method', 'timestamp', 'v'] as const) {
      const value = params[key];
      assert.equal(verifyDouyin({ ...params, [key]: flip(value, value.length - 1), sign }, 'sec_ret'), false, key);
    }
    for (let i = 0; i < paramJson.length; i++) {
      assert.equal(verifyDouyin({ ...params, param_json: flip(paramJson, i), sign }, 'sec_ret'), false, `param_json[${i}]`);
    }
    for (let i = 0; i < sign.length; i++) assert.equal(verifyDouyin({ ...params, sign: flip(sign, i) }, 'sec_ret'), false);
    assert.equal(verifyDouyin({ ...params, sign: sign.toUpperCase() }, 'sec_ret'), false);
    assert.equal(verifyDouyin({ ...params, sign }, 'other'), false);
  });
}

test('the same business object re-serialised with other spacing no longer verifies', () => {
  const sign = signDouyin(request, 'sec_ret');
  const spaced = JSON.stringify(JSON.parse(paramJson), null, 1);
  assert.equal(verifyDouyin({ ...request, param_json: spaced, sign }, 'sec_ret'), false);
});

test('an unknown sign_method or a missing field never verifies', () => {
  assert.throws(() => signDouyin({ ...request, sign_method: 'sha1' }, 'sec_ret'), TypeError);
  const sign = signDouyin(request, 'sec_ret');
  assert.equal(verifyDouyin({ ...request, sign_method: 'sha1', sign }, 'sec_ret'), false);
  assert.equal(verifyDouyin({ ...request, param_json: undefined, sign }, 'sec_ret'), false);
  assert.equal(verifyDouyin({ ...request, app_key: undefined, sign }, 'sec_ret'), false);
});

// A webhook body as Douyin sends it: an array of {tag, msgId, data} with a 19-digit id as a string.
const body = '[{"tag":"100","msgId":"6930451318548342311","data":"{\\"p_id\\":4988512874560712345,\\"shop_id\\":12345}"}]';

test('event-sign is MD5(app_key + raw body + app_secret), accepted in either case', () => {
  const expected = md5('7123' + body + 'sec_ret');
  assert.equal(signDouyinEvent('7123', 'sec_ret', body), expected);
  assert.equal(signDouyinEvent('7123', 'sec_ret', Buffer.from(body, 'utf8')), expected);
  assert.equal(verifyDouyinEvent('7123', 'sec_ret', body, expected), true);
  assert.equal(verifyDouyinEvent('7123', 'sec_ret', Buffer.from(body), expected.toUpperCase()), true);
});

test('a changed body byte, a changed header or a missing header fails', () => {
  const header = md5('7123' + body + 'sec_ret');
  assert.equal(verifyDouyinEvent('7123', 'sec_ret', body.replace('12345}', '12346}'), header), false);
  for (let i = 0; i < header.length; i++) assert.equal(verifyDouyinEvent('7123', 'sec_ret', body, flip(header, i)), false);
  assert.equal(verifyDouyinEvent('7124', 'sec_ret', body, header), false);
  assert.equal(verifyDouyinEvent('7123', 'sec_ret', body, undefined), false);
  assert.equal(verifyDouyinEvent('7123', 'sec_ret', body, [header, header]), false);
});
