import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { qimenSignatureMatches, signQimen } from './qimen.sign.ts';

test('the Qimen signature is MD5 over secret, sorted parameters, body and secret, in upper case', () => {
  const params = { method: 'taobao.qimen.deliveryorder.create', timestamp: '2026-11-11 10:00:00', format: 'xml', app_key: 'k1', v: '2.0', sign_method: 'md5', customerId: 'c1' };
  const body = '<request><deliveryOrder><deliveryOrderCode>DO-1</deliveryOrderCode></deliveryOrder></request>';
  // Written out by hand from the rule: keys by byte order, each key then its value.
  const text = 's3cr3t' + 'app_keyk1' + 'customerIdc1' + 'formatxml' + 'methodtaobao.qimen.deliveryorder.create' + 'sign_methodmd5' + 'timestamp2026-11-11 10:00:00' + 'v2.0' + body + 's3cr3t';
  const expected = createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
  assert.equal(signQimen(params, body, 's3cr3t'), expected);
  assert.equal(qimenSignatureMatches({ ...params, sign: expected.toLowerCase() }, body, 's3cr3t'), true);
  assert.equal(qimenSignatureMatches({ ...params, sign: expected }, `${body} `, 's3cr3t'), false, 'one byte more in the body');
  assert.equal(qimenSignatureMatches({ ...params, sign: expected }, body, 'other'), false);

  // A body in Chinese is signed as its UTF-8 bytes.
  const chinese = '<request><receiverInfo><name>李娜</name></receiverInfo></request>';
  const utf8 = createHash('md5').update(Buffer.concat([Buffer.from('s3cr3t'), Buffer.from('app_keyk1customerIdc1formatxmlmethodtaobao.qimen.deliveryorder.createsign_methodmd5timestamp2026-11-11 10:00:00v2.0'), Buffer.from(chinese, 'utf8'), Buffer.from('s3cr3t')])).digest('hex').toUpperCase();
  assert.equal(signQimen(params, chinese, 's3cr3t'), utf8);
});
