import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factsOf, type OrderSubject } from './rules.fields.ts';

const subject = (paidAt: string): OrderSubject => ({
  channel: 'taobao', shopId: 's', status: 'paid', tags: [], totalFen: 100, goodsFen: 100, shippingFen: 0, discountFen: 0,
  lines: [{ sku: 'A', quantity: 1 }], receiver: { country: 'CN', provinceCode: null, cityCode: null }, buyerMessage: null, paidAt: new Date(paidAt),
});
const minute = (paidAt: string, zone: string) => factsOf(subject(paidAt), [zone]).paidMinute[0];

test('the paid minute of the day is read in each zone, across DST changes and midnight', () => {
  assert.equal(minute('2025-12-24T16:30:00Z', 'Asia/Shanghai'), 30, '00:30 on 25 December in Beijing');
  assert.equal(minute('2026-03-08T09:30:00Z', 'America/Los_Angeles'), 90, '01:30 PST, before the change');
  assert.equal(minute('2026-03-08T10:30:00Z', 'America/Los_Angeles'), 210, '03:30 PDT, an hour of wall time skipped');
  assert.equal(minute('2026-11-01T08:30:00Z', 'America/Los_Angeles'), 90, '01:30 PDT, the first pass');
  assert.equal(minute('2026-11-01T09:30:00Z', 'America/Los_Angeles'), 90, '01:30 PST, the second pass');
  assert.equal(minute('2026-04-05T15:45:00Z', 'Australia/Sydney'), 105, '01:45 AEST, after the southern autumn change');
  assert.equal(minute('2026-06-01T23:59:00Z', 'Asia/Kolkata'), 329, 'a half-hour zone: 05:29');
  assert.equal(minute('2026-06-01T00:00:00Z', 'UTC'), 0);
  // The same zone asked again within and across quarter hours stays right.
  assert.equal(minute('2026-03-08T09:59:00Z', 'America/Los_Angeles'), 119);
  assert.equal(minute('2026-03-08T10:00:00Z', 'America/Los_Angeles'), 180);
});
