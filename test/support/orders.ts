import assert from 'node:assert/strict';
import { orderInputExample } from '../../src/modules/orders/orders.input.ts';
import type { TestApi } from './api.ts';

/** A valid canonical order body, with overrides. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  return structuredClone({ ...orderInputExample, ...overrides }) as Record<string, any>;
}

/**
 * A Taobao order of these lines (SKU, quantity) at 1 yuan a unit, ordered at `at`; paid (and last
 * changed) at `modifiedAt`, or unpaid.
 */
export function linesOrder(channelOrderId: string, status: 'created' | 'paid', lines: [string, number][], at: string, modifiedAt = at) {
  return {
    channel: 'taobao', shopId: 'tb-main', channelOrderId, status, currency: 'CNY', shippingFen: 0, discountFen: 0, totalFen: lines.reduce((sum, [, q]) => sum + q * 100, 0),
    receiver: { name: '王芳', phone: '13700001111', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 1 号' },
    orderedAt: at, paidAt: status === 'created' ? undefined : modifiedAt, channelModifiedAt: modifiedAt,
    lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceFen: 100 })),
  };
}

/** Posts an order and returns it as the API answers, new (201) or seen before (200). */
export async function postOrder(api: Pick<TestApi, 'request'>, body: unknown) {
  const res = await api.request('POST', '/api/v1/orders', { body });
  assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
  return res.body;
}
