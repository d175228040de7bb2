import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimalToMinor, minorToDecimal, MoneyFormatError } from './money.ts';

test('decimal yuan become integer fen without float error', () => {
  assert.equal(decimalToMinor('12.3'), 1230);
  assert.equal(decimalToMinor('0.07'), 7);
  assert.equal(decimalToMinor('19.90'), 1990);
  assert.equal(decimalToMinor('100'), 10000);
  assert.equal(decimalToMinor('1.100'), 110);
  assert.equal(decimalToMinor('-5.5'), -550);
  assert.equal(decimalToMinor('0.29') + decimalToMinor('0.01'), 30);
});

test('malformed or over-precise amounts are refused', () => {
  assert.throws(() => decimalToMinor('1.005'), MoneyFormatError);
  assert.throws(() => decimalToMinor('12,30'), MoneyFormatError);
  assert.throws(() => decimalToMinor(''), MoneyFormatError);
});

test('fen print as yuan', () => {
  assert.equal(minorToDecimal(1230), '12.30');
  assert.equal(minorToDecimal(7), '0.07');
  assert.equal(minorToDecimal(-550), '-5.50');
});

test('each currency prints with its own exponent: JPY 0, CNY and USD 2, KWD 3', () => {
  assert.equal(minorToDecimal(1500, 0), '1500');
  assert.equal(minorToDecimal(-1500, 0), '-1500');
  assert.equal(minorToDecimal(1230, 2), '12.30');
  assert.equal(minorToDecimal(1234, 3), '1.234');
  assert.equal(minorToDecimal(5, 3), '0.005');
  assert.equal(decimalToMinor('1500', 0), 1500);
  assert.equal(decimalToMinor('1.234', 3), 1234);
  assert.throws(() => decimalToMinor('1.5', 0), MoneyFormatError);
});
