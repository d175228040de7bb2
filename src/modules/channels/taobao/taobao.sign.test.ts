import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { concatSorted } from '../signing/params.ts';
import { checkTopTimestamp, signTop, topTimestamp, verifyTop } from './taobao.sign.ts';

// Expected values below are computed with node:crypto over hand-written strings, never by the code under test.
const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
const hmacUpper = (alg: string, s: string, key: string) => createHmac(alg, key).update(s, 'utf8').digest('hex').toUpperCase();

/** Changes one character to a neighbour, keeping a hex digit a hex digit. */
const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

test("TOP's worked example: foo=1, bar=2, foo_bar=3, foobar=4", () => {
  const params = { foo: '1', bar: '2', foo_bar: '3', foobar: '4' };
  assert.equal(concatSorted(params), 'bar2foo1foo_bar3foobar4');
  assert.equal(signTop(params, 'secret'), md5Upper('secret' + 'bar2foo1foo_bar3foobar4' + 'secret'));
});

// TOP's API documentation (docId 101617) signs these with secret "helloworld".
const documented = {
  method: 'taobao.item.seller.get',
  app_key: '12345678',
  session: 'test',
  timestamp: '2016-01-01 12:00:00',
  format: 'json',
  v: '2.0',
  sign_method: 'md5',
  fields: 'num_iid,title,nick,price,num',
  num_iid: '11223344',
};
const documentedString =
  'app_key12345678fieldsnum_iid,title,nick,price,numformatjsonmethodtaobao.item.seller.get' +
  'num_iid11223344sessiontestsign_methodmd5timestamp2016-01-01 12:00:00v2.0';

test('the documented md5 signature is reproduced', () => {
  assert.equal(signTop(documented, 'helloworld'), '66987CB115214E59E6EC978214934FB8');
  assert.equal(md5Upper('helloworld' + documentedString + 'helloworld'), '66987CB115214E59E6EC978214934FB8');
});

test('hmac and hmac-sha256 sign the string keyed by the secret, sign_method included', () => {
  const hmac = { ...documented, sign_method: 'hmac' };
  const sha = { ...documented, sign_method: 'hmac-sha256' };
  const hmacString = documentedString.replace('sign_methodmd5', 'sign_methodhmac');
  const shaString = documentedString.replace('sign_methodmd5', 'sign_methodhmac-sha256');
  assert.equal(signTop(hmac, 'helloworld'), hmacUpper('md5', hmacString, 'helloworld'));
  assert.equal(signTop(sha, 'helloworld'), hmacUpper('sha256', shaString, 'helloworld'));
});

for (const sign_method of ['md5', 'hmac', 'hmac-sha256']) {
  test(`${sign_method}: signed requests verify; any changed byte does not`, () => {
    const params = { ...documented, sign_method };
    const sign = signTop(params, 'helloworld');
    assert.equal(verifyTop({ ...params, sign }, 'helloworld'), true);
    for (const [key, value] of Object.entries(params)) {
      assert.equal(verifyTop({ ...params, [key]: flip(value, value.length - 1), sign }, 'helloworld'), false, key);
    }
    for (let i = 0; i < sign.length; i++) assert.equal(verifyTop({ ...params, sign: flip(sign, i) }, 'helloworld'), false);
    assert.equal(verifyTop({ ...params, sign: sign.toLowerCase() }, 'helloworld'), false);
    assert.equal(verifyTop({ ...params, extra: 'x', sign }, 'helloworld'), false);
    assert.equal(verifyTop({ ...params, sign }, 'another-secret'), false);
  });
}

test('an empty parameter does not change the signature', () => {
  assert.equal(signTop({ ...documented, partner_id: '' }, 'helloworld'), '66987CB115214E59E6EC978214934FB8');
});

test('an unknown sign_method cannot sign and never verifies', () => {
  assert.throws(() => signTop({ ...documented, sign_method: 'sha1' }, 'helloworld'), TypeError);
  assert.equal(verifyTop({ ...documented, sign_method: 'sha1', sign: '66987CB115214E59E6EC978214934FB8' }, 'helloworld'), false);
  assert.equal(verifyTop(documented, 'helloworld'), false);
});

test('the timestamp is written on the Beijing clock', () => {
  assert.equal(topTimestamp(new Date('2026-12-24T16:30:00Z')), '2026-12-25 00:30:00');
});

test('timestamps more than 10 minutes off either way are refused', () => {
  const now = new Date('2026-12-24T16:30:00Z');
  assert.deepEqual(checkTopTimestamp('2026-12-25 00:40:00', now), { ok: true, at: new Date('2026-12-24T16:40:00Z') });
  assert.equal(checkTopTimestamp('2026-12-25 00:20:00', now).ok, true);
  assert.deepEqual(checkTopTimestamp('2026-12-25 00:40:01', now), { ok: false, reason: 'skewed' });
  assert.deepEqual(checkTopTimestamp('2026-12-25 00:19:59', now), { ok: false, reason: 'skewed' });
  // The same digits read as UTC would be 8 hours off: the zone matters.
  assert.deepEqual(checkTopTimestamp('2026-12-24 16:30:00', now), { ok: false, reason: 'skewed' });
  assert.deepEqual(checkTopTimestamp('1766593800', now), { ok: false, reason: 'malformed' });
  assert.deepEqual(checkTopTimestamp(undefined, now), { ok: false, reason: 'malformed' });
  assert.equal(checkTopTimestamp('2026-12-25 00:31:00', now, 30_000).ok, false);
});
