import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldIssue } from '../../platform/errors.ts';
import { checkActions, checkCondition } from './rules.definition.ts';

function conditionIssues(raw: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  checkCondition(raw, issues);
  return issues;
}

test('a well-formed nested condition passes and keeps its shape', () => {
  const issues: FieldIssue[] = [];
  const checked = checkCondition({ all: [{ field: 'channel', op: 'in', value: ['taobao', 'jd'] }, { any: [{ field: 'totalFen', op: 'gte', value: 50000 }, { not: { field: 'tags', op: 'contains', value: 'VIP' } }] }] }, issues);
  assert.deepEqual(issues, []);
  assert.equal(checked?.routed, false);
});

test('an unknown field is refused at its path, naming the fields there are', () => {
  const [issue] = conditionIssues({ any: [{ field: 'channel', op: 'eq', value: 'jd' }, { field: 'colour', op: 'eq', value: 'red' }] });
  assert.equal(issue!.path, 'condition.any[1].field');
  assert.match(issue!.message, /unknown field "colour".*channel/);
});

test('an operator that does not fit its field type is refused', () => {
  const [issue] = conditionIssues({ field: 'totalFen', op: 'contains', value: 'x' });
  assert.equal(issue!.path, 'condition.op');
  assert.match(issue!.message, /totalFen \(money\) takes the operators eq, ne, gt/);
});

test('a value of the wrong kind is refused at the value path', () => {
  assert.equal(conditionIssues({ field: 'totalFen', op: 'gt', value: 12.5 })[0]!.path, 'condition.value');
  assert.equal(conditionIssues({ field: 'channel', op: 'eq', value: 'amazon' })[0]!.path, 'condition.value');
  assert.equal(conditionIssues({ field: 'totalFen', op: 'between', value: [500, 100] })[0]!.path, 'condition.value');
  assert.equal(conditionIssues({ field: 'paidTime', op: 'between', value: ['25:00', '06:00'] })[0]!.path, 'condition.value[0]');
  assert.equal(conditionIssues({ field: 'paidTime', op: 'between', value: ['22:00', '06:00'], zone: 'Mars/Olympus' })[0]!.path, 'condition.zone');
  assert.equal(conditionIssues({ field: 'channel', op: 'eq', value: 'jd', zone: 'Asia/Shanghai' })[0]!.path, 'condition.zone');
});

test('groups must hold conditions, and nesting is bounded', () => {
  assert.equal(conditionIssues({ all: [] })[0]!.path, 'condition.all');
  assert.equal(conditionIssues('channel = jd')[0]!.path, 'condition');
  let deep: unknown = { field: 'channel', op: 'eq', value: 'jd' };
  for (let i = 0; i < 12; i++) deep = { not: deep };
  assert.match(conditionIssues(deep)[0]!.message, /deeper than/);
});

test('actions: an unknown action, a bad tier and a bad URL are each refused at their path', () => {
  const issues: FieldIssue[] = [];
  checkActions([{ type: 'set_priority', priority: 'asap' }, { type: 'teleport' }, { type: 'webhook', url: 'ftp://example.com/x' }, { type: 'webhook', url: 'https://u:p@example.com/' }], false, issues);
  assert.deepEqual(issues.map((i) => i.path), ['actions[0].priority', 'actions[1].type', 'actions[2].url', 'actions[3].url']);
});

test('a rule testing the routed warehouse cannot hold or steer routing', () => {
  const issues: FieldIssue[] = [];
  const checked = checkCondition({ field: 'warehouse', op: 'eq', value: 'SH01' }, issues);
  assert.equal(checked?.routed, true);
  checkActions([{ type: 'set_priority', priority: 'high' }, { type: 'hold', reason: 'check' }], true, issues);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.path, 'actions[1].type');
});
