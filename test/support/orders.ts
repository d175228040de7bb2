import { orderInputExample } from '../../src/modules/orders/orders.input.ts';

/** A valid canonical order body, with overrides. */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  return structuredClone({ ...orderInputExample, ...overrides }) as Record<string, any>;
}
