import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { signPdd, verifyPdd } from './pdd.sign.ts';

const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

// PDD's documented example (open.pinduoduo.com), as the JSON body it shows: numbers stay numbers.
const documented = {
  type: 'pdd.order.number.list.get',
  client_id: '1',
  page: 1,
  page_size: 10,
  data_type: 'XML',
  timestamp: 1480411125,
  order_status: 1,
  access_token: 'asd78172s8ds9a921j9qqwda12312w1w21211',
};

test('the documented PDD signature is reproduced', () => {
  const s =
    'access_tokenasd78172s8ds9a921j9qqwda12312w1w21211client_id1data_typeXMLorder_status1page1page_size10' +
    'timestamp1480411125typepdd.order.number.list.get';
  assert.equal(md5Upper('testSecret' + s + 'testSecret'), 'E4DE3ED21002510DED352819E7AE6775');
  assert.equal(signPdd(documented, 'testSecret'), 'E4DE3ED21002510DED352819E7AE6775');
});

test('a hand-computed vector: list parameter as its JSON string, byte order, empty value skipped', () => {
  const params = {
    type: 'pdd.order.information.get',
    client_id: 'c1',
    timestamp: '1766593800',
    data_type: 'JSON',
    order_sn: '231224-1234567890123456',
    Z_flag: 'y',
    order_sn_list: '["a","b"]',
    remark: '',
  };
  const s =
    'Z_flagyclient_idc1data_typeJSONorder_sn231224-1234567890123456order_sn_list["a","b"]' +
    'timestamp1766593800typepdd.order.information.get';
  assert.equal(signPdd(params, 'cs'), md5Upper('cs' + s + 'cs'));
});

test('signed requests verify; a changed byte, an added parameter or a lower-case sign does not', () => {
  const sign = signPdd(documented, 'testSecret');
  assert.equal(verifyPdd({ ...documented, sign }, 'testSecret'), true);
  for (const [key, value] of Object.entries(documented)) {
    const text = String(value);
    assert.equal(verifyPdd({ ...documented, [key]: flip(text, text.length - 1), sign }, 'testSecret'), false, key);
  }
  for (let i = 0; i < sign.length; i++) assert.equal(verifyPdd({ ...documented, sign: flip(sign, i) }, 'testSecret'), false);
  assert.equal(verifyPdd({ ...documented, version: 'V1', sign }, 'testSecret'), false);
  assert.equal(verifyPdd({ ...documented, sign: sign.toLowerCase() }, 'testSecret'), false);
  assert.equal(verifyPdd({ ...documented, sign }, 'otherSecret'), false);
});

test('numbers and their decimal strings sign the same, as form and JSON bodies must', () => {
  const asStrings = Object.fromEntries(Object.entries(documented).map(([k, v]) => [k, String(v)]));
  assert.equal(verifyPdd({ ...asStrings, sign: 'E4DE3ED21002510DED352819E7AE6775' }, 'testSecret'), true);
});
