import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRules, type RuleToCompile } from './rules.compile.ts';
import type { Action, Condition } from './rules.definition.ts';
import { evaluate } from './rules.evaluate.ts';
import { factsOf, type OrderSubject } from './rules.fields.ts';

const order = (over: Partial<OrderSubject> = {}): OrderSubject => ({
  channel: 'taobao', shopId: 'tb-flagship', status: 'paid', tags: [], totalFen: 19900, goodsFen: 19900, shippingFen: 0, discountFen: 0,
  lines: [{ sku: 'SKU-A', quantity: 1 }], receiver: { country: 'CN', provinceCode: '310000', cityCode: '310100' },
  buyerMessage: null, paidAt: new Date('2026-11-11T02:00:00Z'), ...over,
});

let n = 0;
const rule = (condition: Condition, actions: Action[], extra: Partial<RuleToCompile> = {}): RuleToCompile => ({
  id: `r${++n}`, version: 1, name: `rule ${n}`, stop: false, condition, actions, routed: false, ...extra,
});

function run(rules: RuleToCompile[], subject: OrderSubject) {
  const compiled = compileRules(1, rules);
  return evaluate(compiled.intake, factsOf(subject, compiled.zones));
}

const urgent: Action = { type: 'set_priority', priority: 'urgent' };

test('tags match whole and case-blind', () => {
  const vip = rule({ field: 'tags', op: 'contains_any', value: ['VIP', '限时达'] }, [urgent]);
  assert.equal(run([vip], order({ tags: [' vip '] })).priority?.value, 'urgent');
  assert.equal(run([vip], order({ tags: ['限时达'] })).priority?.value, 'urgent');
  assert.equal(run([vip], order({ tags: ['svip-member'] })).priority, undefined);
});

test('all / any / not nest as written', () => {
  const r = rule({ all: [{ field: 'channel', op: 'in', value: ['taobao', 'tmall'] }, { any: [{ field: 'totalFen', op: 'gte', value: 100000 }, { not: { field: 'provinceCode', op: 'starts_with', value: '31' } }] }] }, [urgent]);
  assert.equal(run([r], order({ totalFen: 150000 })).fired.length, 1);
  assert.equal(run([r], order()).fired.length, 0, 'Shanghai and under ¥1000');
  assert.equal(run([r], order({ receiver: { country: 'CN', provinceCode: '440000', cityCode: '440100' } })).fired.length, 1);
  assert.equal(run([r], order({ channel: 'jd', totalFen: 150000 })).fired.length, 0);
});

test('any line\'s SKU or quantity, and the units in all', () => {
  const lines = [{ sku: 'GIFT-1', quantity: 1 }, { sku: 'TV-65', quantity: 3 }];
  assert.equal(run([rule({ field: 'lineSku', op: 'starts_with', value: 'TV-' }, [urgent])], order({ lines })).fired.length, 1);
  assert.equal(run([rule({ field: 'lineQuantity', op: 'gte', value: 3 }, [urgent])], order({ lines })).fired.length, 1);
  assert.equal(run([rule({ field: 'lineQuantity', op: 'gt', value: 3 }, [urgent])], order({ lines })).fired.length, 0);
  assert.equal(run([rule({ field: 'totalQuantity', op: 'eq', value: 4 }, [urgent])], order({ lines })).fired.length, 1);
});

test('the buyer message matches case-blind; an empty message never contains anything', () => {
  const r = rule({ field: 'buyerMessage', op: 'contains_any', value: ['加急', 'ASAP'] }, [urgent]);
  assert.equal(run([r], order({ buyerMessage: '麻烦加急，谢谢' })).fired.length, 1);
  assert.equal(run([r], order({ buyerMessage: 'please ship asap' })).fired.length, 1);
  assert.equal(run([r], order({ buyerMessage: null })).fired.length, 0);
});

test('the paid time of day is read in the rule\'s zone and may wrap past midnight', () => {
  const night = rule({ field: 'paidTime', op: 'between', value: ['22:00', '06:00'] }, [urgent]);
  // 2026-11-10T16:30Z is 00:30 in Shanghai.
  assert.equal(run([night], order({ paidAt: new Date('2026-11-10T16:30:00Z') })).fired.length, 1);
  assert.equal(run([night], order({ paidAt: new Date('2026-11-11T02:00:00Z') })).fired.length, 0, '10:00 in Shanghai');
  assert.equal(run([night], order({ paidAt: null })).fired.length, 0, 'unpaid');
  const la = rule({ field: 'paidTime', op: 'between', value: ['09:00', '17:00'], zone: 'America/Los_Angeles' }, [urgent]);
  assert.equal(run([la], order({ paidAt: new Date('2026-07-01T17:00:00Z') })).fired.length, 1, '10:00 in Los Angeles');
  assert.equal(run([la, night], order({ paidAt: new Date('2026-07-01T17:00:00Z') })).fired.length, 2, '01:00 in Shanghai too');
});

test('presale, country and status', () => {
  assert.equal(run([rule({ field: 'presale', op: 'is', value: true }, [urgent])], order({ tags: ['presale'] })).fired.length, 1);
  assert.equal(run([rule({ field: 'country', op: 'ne', value: 'CN' }, [urgent])], order({ receiver: { country: 'US', provinceCode: null, cityCode: null } })).fired.length, 1);
  assert.equal(run([rule({ field: 'status', op: 'eq', value: 'created' }, [urgent])], order()).fired.length, 0);
});

test('single decisions go to the first rule that makes them; tags and alerts add up; stop ends the run', () => {
  const a = rule({ field: 'channel', op: 'eq', value: 'taobao' }, [{ type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['checked'] }]);
  const b = rule({ field: 'totalFen', op: 'gt', value: 0 }, [urgent, { type: 'add_tags', tags: ['checked', 'big'] }, { type: 'alert', message: 'look' }], { stop: true });
  const c = rule({ field: 'totalFen', op: 'gt', value: 0 }, [{ type: 'set_group', group: 'late' }]);
  const outcome = run([a, b, c], order());
  assert.equal(outcome.priority?.value, 'high');
  assert.deepEqual(outcome.overridden, [{ ruleId: b.id, action: 'set_priority' }]);
  assert.deepEqual(outcome.tags, ['checked', 'big']);
  assert.equal(outcome.alerts.length, 1);
  assert.deepEqual(outcome.fired.map((f) => f.id), [a.id, b.id]);
  assert.equal(outcome.group, undefined, 'stopped before the third rule');
});

test('the routed warehouse: is means any of the order\'s warehouses, is not means none', () => {
  const compiled = compileRules(3, [
    rule({ field: 'warehouse', op: 'eq', value: 'SH01' }, [urgent], { routed: true }),
    rule({ field: 'warehouse', op: 'not_in', value: ['SH01'] }, [{ type: 'add_tags', tags: ['elsewhere'] }], { routed: true }),
  ]);
  assert.equal(compiled.intake.length, 0);
  const split = evaluate(compiled.routed, factsOf(order({ warehouses: ['BJ01', 'SH01'] }), compiled.zones));
  assert.equal(split.priority?.value, 'urgent');
  assert.deepEqual(split.tags, []);
  const other = evaluate(compiled.routed, factsOf(order({ warehouses: ['BJ01'] }), compiled.zones));
  assert.deepEqual(other.tags, ['elsewhere']);
});
