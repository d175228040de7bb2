import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrderStatus } from '../orders/orders.lifecycle.ts';
import { deliveryLifecycle, orderProgress, retryable, type DeliveryProgress, type DeliveryStatus } from './delivery-orders.lifecycle.ts';

const d = (status: DeliveryStatus, attempts = 1, code = 'O1-1'): DeliveryProgress => ({ code, warehouseCode: 'HZ01', status, attempts, lastError: status === 'failed' ? 'timeout' : null, wmsId: null });
const steps = (status: OrderStatus, deliveries: DeliveryProgress[], statusReason: string | null = null) => orderProgress({ status, statusReason }, deliveries).map((s) => s.to);

test('an order is accepted once every delivery order is taken, and shipped once every one has shipped', () => {
  assert.deepEqual(steps('pushed', [d('accepted'), d('pending', 1, 'O1-2')]), []);
  assert.deepEqual(steps('pushed', [d('accepted'), d('shipped', 1, 'O1-2')]), ['accepted_by_wms']);
  assert.deepEqual(steps('routed', [d('shipped'), d('shipped', 1, 'O1-2')]), ['accepted_by_wms', 'shipped']);
  assert.deepEqual(steps('allocated', [d('shipped', 0)]), ['routed', 'accepted_by_wms', 'shipped'], 'handed to the warehouse by people');
  assert.deepEqual(steps('accepted_by_wms', [d('shipped')]), ['shipped']);
});

test('while being sent, a refusal or a failure for good stops the order, and a first try makes it pushed', () => {
  assert.deepEqual(orderProgress({ status: 'routed', statusReason: null }, [d('accepted'), d('rejected', 1, 'O1-2')]).map((s) => [s.to, s.reason]), [['exception', 'wms_rejected']]);
  assert.deepEqual(orderProgress({ status: 'pushed', statusReason: null }, [d('failed')]).map((s) => [s.to, s.reason]), [['exception', 'push_failed']]);
  assert.deepEqual(steps('routed', [d('pending', 1)]), ['pushed']);
  assert.deepEqual(steps('routed', [d('pending', 0)]), []);
  assert.deepEqual(steps('pushed', [d('pending', 3)]), []);
});

test('a stop for the delivery gives way when the delivery orders got there after all; any other stop holds', () => {
  assert.deepEqual(steps('exception', [d('accepted')], 'push_failed'), ['accepted_by_wms']);
  assert.deepEqual(steps('exception', [d('accepted')], 'out_of_stock'), []);
  assert.deepEqual(steps('on_hold', [d('accepted')], 'customer asked'), []);
  assert.deepEqual(steps('exception', [d('rejected')], 'wms_rejected'), []);
  assert.deepEqual(steps('routed', []), []);
});

test('people send again only what failed, was refused or waits by hand; a cancelled one takes an acceptance once', () => {
  assert.deepEqual([...retryable].sort(), ['failed', 'manual', 'rejected']);
  const cancelled = (acceptedAt: Date | null) => deliveryLifecycle.check({ row: { status: 'cancelled', acceptedAt }, from: 'cancelled', to: 'accepted', role: null }).ok;
  assert.equal(cancelled(null), true);
  assert.equal(cancelled(new Date()), false);
  assert.equal(deliveryLifecycle.checkEntry('accepted', null).ok, false, 'a delivery order is never written as accepted');
});
