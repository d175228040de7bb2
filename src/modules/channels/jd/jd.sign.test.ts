import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { signJd, verifyJd } from './jd.sign.ts';

const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

// JD's developer guide example (open.jd.com, dev-guide listId=2643), signed with "yourappSecret".
const paramJson =
  '{"end_date":null,"optional_fields":null,"order_state":"WAIT_SELLER_STOCK_OUT","page":"1","page_size":"200","start_date":null}';
const documented = {
  '360buy_param_json': paramJson,
  access_token: 'yourtoken',
  app_key: 'yourappkey',
  method: 'jingdong.pop.order.search',
  timestamp: '2021-05-07 09:20:39.683+0800',
  v: '2.0',
};

test('the documented JD signature is reproduced; the JSON sorts first and is signed as one value', () => {
  const s =
    '360buy_param_json' + paramJson + 'access_tokenyourtoken' + 'app_keyyourappkey' +
    'methodjingdong.pop.order.search' + 'timestamp2021-05-07 09:20:39.683+0800' + 'v2.0';
  assert.equal(md5Upper('yourappSecret' + s + 'yourappSecret'), 'D70825340F4084360B9362B60DFD7930');
  assert.equal(signJd(documented, 'yourappSecret'), 'D70825340F4084360B9362B60DFD7930');
});

test('parameters outside the signed set (format, sign_method) do not take part', () => {
  const received = { ...documented, format: 'json', sign_method: 'md5', sign: 'D70825340F4084360B9362B60DFD7930' };
  assert.equal(verifyJd(received, 'yourappSecret'), true);
});

test('an empty access_token is left out', () => {
  const params = { ...documented, access_token: '', '360buy_param_json': '{}' };
  const s = '360buy_param_json{}app_keyyourappkeymethodjingdong.pop.order.searchtimestamp2021-05-07 09:20:39.683+0800v2.0';
  assert.equal(signJd(params, 'k'), md5Upper('k' + s + 'k'));
});

test('signed requests verify; a changed byte anywhere, JSON included, does not', () => {
  const sign = signJd(documented, 'yourappSecret');
  assert.equal(verifyJd({ ...documented, sign }, 'yourappSecret'), true);
  for (const [key, value] of Object.entries(documented)) {
    assert.equal(verifyJd({ ...documented, [key]: flip(value, value.length - 2), sign }, 'yourappSecret'), false, key);
  }
  // "page":"1" → "page":"0" inside the JSON.
  const tampered = paramJson.replace('"page":"1"', '"page":"0"');
  assert.equal(verifyJd({ ...documented, '360buy_param_json': tampered, sign }, 'yourappSecret'), false);
  for (let i = 0; i < sign.length; i++) assert.equal(verifyJd({ ...documented, sign: flip(sign, i) }, 'yourappSecret'), false);
  assert.equal(verifyJd({ ...documented, sign: sign.toLowerCase() }, 'yourappSecret'), false);
  assert.equal(verifyJd(documented, 'yourappSecret'), false);
});
