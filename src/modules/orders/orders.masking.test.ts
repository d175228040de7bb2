import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskAddress, maskName, maskPhone } from './orders.masking.ts';

test('names keep their first character', () => {
  assert.equal(maskName('张伟'), '张*');
  assert.equal(maskName('欧阳娜娜'), '欧***');
  assert.equal(maskName('李'), '*');
});

test('phones keep the last four digits customers prove ownership with', () => {
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(maskPhone('0571-8888'), '*****8888');
});

test('addresses keep the region and hide the street', () => {
  assert.equal(maskAddress(['浙江省', '杭州市', '西湖区'], '文三路 398 号'), '浙江省杭州市西湖区****');
});
