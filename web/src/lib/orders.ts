import { api, post } from './api.ts';
import type { BoardRow, DeliveryOrder, OrderStatus, Page } from './types.ts';

/** What people do to orders from the board and the detail page, one request per order. */
export const transition = (id: string, to: OrderStatus, reason: string) => post(`/api/v1/orders/${encodeURIComponent(id)}/transitions`, { to, reason });

/** A stopped order goes back to where it stopped (paid when that is not known). */
export const release = (order: Pick<BoardRow, 'id' | 'heldFrom'>, reason: string) => transition(order.id, order.heldFrom ?? 'paid', reason);

/** Sends an order's failed or refused delivery orders to their WMS again; how many went. */
export async function retryPush(orderId: string): Promise<number> {
  const page = await api<Page<DeliveryOrder>>('/api/v1/delivery-orders', { query: { orderId, limit: 50 } });
  const due = page.items.filter((d) => ['failed', 'rejected', 'pending'].includes(d.status));
  for (const d of due) await post(`/api/v1/delivery-orders/${encodeURIComponent(d.code)}/retry`);
  if (due.length === 0) throw new Error('no delivery order to retry');
  return due.length;
}

/** Runs one action per order, a few at a time, and counts what worked. */
export async function forEach<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<{ ok: number; failed: number; errors: string[] }> {
  let ok = 0;
  const errors: string[] = [];
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await work(item);
        ok++;
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, items.length) }, worker));
  return { ok, failed: errors.length, errors };
}
