import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPriority, processBy } from './orders.priority.ts';

test('tags set the default tier, matched as whole tags', () => {
  assert.equal(defaultPriority(['VIP']), 'urgent');
  assert.equal(defaultPriority(['限时达']), 'urgent');
  assert.equal(defaultPriority(['次日达']), 'high');
  assert.equal(defaultPriority(['svip-member', 'novip']), 'normal');
  assert.equal(defaultPriority([]), 'normal');
});

test('each tier has its processing window', () => {
  const paid = new Date('2026-11-11T00:00:00Z');
  assert.equal(processBy('urgent', paid).toISOString(), '2026-11-11T00:30:00.000Z');
  assert.equal(processBy('high', paid).toISOString(), '2026-11-11T02:00:00.000Z');
  assert.equal(processBy('normal', paid).toISOString(), '2026-11-11T12:00:00.000Z');
});
