import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTiers, processBy } from './orders.priority.ts';

test('the brief\'s windows are the default deadlines: 30 minutes, 2 hours, 12 hours from payment', () => {
  const paid = new Date('2026-11-11T00:00:00Z');
  assert.equal(processBy('urgent', paid).toISOString(), '2026-11-11T00:30:00.000Z');
  assert.equal(processBy('high', paid).toISOString(), '2026-11-11T02:00:00.000Z');
  assert.equal(processBy('normal', paid).toISOString(), '2026-11-11T12:00:00.000Z');
});

test('a tenant\'s own windows set the deadline', () => {
  const tiers = { ...defaultTiers, urgent: { windowMinutes: 10, colour: 'red' as const } };
  assert.equal(processBy('urgent', new Date('2026-11-11T00:00:00Z'), tiers).toISOString(), '2026-11-11T00:10:00.000Z');
  assert.equal(processBy('normal', new Date('2026-11-11T00:00:00Z'), tiers).toISOString(), '2026-11-11T12:00:00.000Z');
});
