import assert from 'node:assert/strict';
import { test } from 'node:test';
import { douyinCarrierCode } from './douyin.carriers.ts';

test('carrier codes from a WMS are sent to Douyin in its own form; its own and unknown ones pass as they are', () => {
  assert.equal(douyinCarrierCode('SF'), 'shunfeng');
  assert.equal(douyinCarrierCode('zto'), 'zhongtong');
  assert.equal(douyinCarrierCode('JTSD'), 'jtexpress');
  assert.equal(douyinCarrierCode('zhongtong'), 'zhongtong');
  assert.equal(douyinCarrierCode('ACME'), 'ACME');
});
