import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatSorted, hexSignatureMatches, hmacMd5Hex, hmacSha256Hex, md5Hex, requireSecret } from './params.ts';

test("TOP's documented example sorts to bar2foo1foo_bar3foobar4", () => {
  assert.equal(concatSorted({ foo: '1', bar: '2', foo_bar: '3', foobar: '4' }), 'bar2foo1foo_bar3foobar4');
});

test('sign and empty values are left out of the string', () => {
  assert.equal(concatSorted({ b: '', a: '1', sign: 'ABC', c: undefined, d: null, e: 0, f: false }), 'a1e0ffalse');
});

test('keys sort by byte, not by locale: upper case first, "_" before letters', () => {
  const params = { b: '6', ab: '5', a_b: '4', a: '3', B: '2', A: '1', '360buy_param_json': '0' };
  assert.equal(concatSorted(params), '360buy_param_json0A1B2a3a_b4ab5b6');
});

test('a number past 2^53 is refused rather than signed with lost digits', () => {
  assert.throws(() => concatSorted({ tid: 4988512874560712345 }), TypeError);
  assert.equal(concatSorted({ tid: '4988512874560712345' }), 'tid4988512874560712345');
});

test('hash helpers match the published RFC vectors, in the case asked for', () => {
  // RFC 1321, RFC 2202 case 2, RFC 4231 case 2.
  assert.equal(md5Hex('abc', 'lower'), '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(md5Hex('abc', 'upper'), '900150983CD24FB0D6963F7D28E17F72');
  assert.equal(hmacMd5Hex('what do ya want for nothing?', 'Jefe', 'upper'), '750C783E6AB0B503EAA86E310A5DB738');
  assert.equal(
    hmacSha256Hex('what do ya want for nothing?', 'Jefe', 'lower'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
});

test('signature comparison: exact by default, either case when asked, never on missing input', () => {
  assert.equal(hexSignatureMatches('ABCDEF', 'ABCDEF'), true);
  assert.equal(hexSignatureMatches('ABCDEF', 'abcdef'), false);
  assert.equal(hexSignatureMatches('ABCDEF', 'abcdef', { caseInsensitive: true }), true);
  assert.equal(hexSignatureMatches('ABCDEF', 'ABCDE'), false);
  assert.equal(hexSignatureMatches('ABCDEF', 'ABCDEE'), false);
  assert.equal(hexSignatureMatches('ABCDEF', ''), false);
  assert.equal(hexSignatureMatches('ABCDEF', undefined), false);
});

test('an empty secret is refused', () => {
  assert.throws(() => requireSecret(''), TypeError);
});
