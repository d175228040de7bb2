import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atWarehouse, beforeWarehouse, checkTransition, isTerminal, orderStatuses, transitions, waitingForWarehouse } from './orders.lifecycle.ts';

test('the happy path is a chain of legal system transitions', () => {
  const path = ['created', 'paid', 'allocated', 'routed', 'pushed', 'accepted_by_wms', 'shipped', 'delivered', 'closed'] as const;
  for (let i = 1; i < path.length; i++) {
    assert.deepEqual(checkTransition(path[i - 1]!, path[i]!, null, null), { ok: true }, `${path[i - 1]} → ${path[i]}`);
  }
});

test('terminal statuses have no way out', () => {
  assert.ok(isTerminal('closed'));
  assert.ok(isTerminal('cancelled'));
  for (const to of orderStatuses) assert.equal(checkTransition('cancelled', to, null, null).ok, false);
});

test('skipping steps or going backwards is illegal', () => {
  for (const [from, to] of [
    ['created', 'shipped'],
    ['paid', 'pushed'],
    ['shipped', 'paid'],
    ['delivered', 'cancelled'],
    ['closed', 'created'],
  ] as const) {
    const check = checkTransition(from, to, null, null);
    assert.equal(check.ok, false, `${from} → ${to}`);
    assert.equal(!check.ok && check.code, 'ILLEGAL_TRANSITION');
  }
});

test('people may only take the transitions their role allows', () => {
  assert.equal(checkTransition('paid', 'on_hold', 'supervisor', null).ok, true);
  const agent = checkTransition('paid', 'on_hold', 'agent', null);
  assert.equal(!agent.ok && agent.code, 'FORBIDDEN');
  const opsPushing = checkTransition('routed', 'pushed', 'ops', null);
  assert.equal(!opsPushing.ok && opsPushing.code, 'FORBIDDEN', 'pushing to the WMS is the platform’s job');
  assert.equal(checkTransition('paid', 'cancelled', 'ops', null).ok, true);
  assert.equal(checkTransition('paid', 'cancelled', 'viewer', null).ok, false);
});

test('a held order is released to where it stopped or earlier, never past it', () => {
  assert.equal(checkTransition('on_hold', 'paid', 'ops', 'paid').ok, true);
  const ahead = checkTransition('on_hold', 'routed', 'ops', 'paid');
  assert.equal(!ahead.ok && ahead.code, 'ILLEGAL_TRANSITION');
  assert.equal(checkTransition('on_hold', 'cancelled', 'ops', 'routed').ok, true);
  assert.equal(checkTransition('on_hold', 'created', 'ops', 'paid').ok, false, 'a paid order is never released back to unpaid');
  assert.equal(checkTransition('on_hold', 'created', 'ops', 'created').ok, true);
});

test('every status appears in the table', () => {
  assert.deepEqual(Object.keys(transitions).sort(), [...orderStatuses].sort());
});

test('waiting for a warehouse is every paid status before a warehouse accepted the order, and the stopped ones', () => {
  assert.deepEqual([...waitingForWarehouse].sort(), ['allocated', 'exception', 'on_hold', 'paid', 'pushed', 'routed']);
  assert.deepEqual(beforeWarehouse, ['created', 'paid', 'allocated', 'routed']);
  assert.deepEqual(atWarehouse, ['pushed', 'accepted_by_wms']);
});
