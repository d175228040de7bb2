/**
 * Fires `count` order POSTs from `concurrency` clients, spread over one or more servers, and
 * returns each response's HTTP status and order status in submission order.
 */
export async function fireOrders(options: {
  urls: string[];
  key: string;
  count: number;
  concurrency: number;
  body: (i: number) => unknown;
  /** Stop early (e.g. the server was killed): remaining requests are not sent. */
  signal?: AbortSignal;
}): Promise<{ http: number; status: string | null; reason: string | null }[]> {
  const results: { http: number; status: string | null; reason: string | null }[] = new Array(options.count);
  let next = 0;
  const client = async (n: number) => {
    const url = `${options.urls[n % options.urls.length]}/api/v1/orders`;
    while (next < options.count && !options.signal?.aborted) {
      const i = next++;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(options.body(i)),
        });
        const body = (await res.json()) as { status?: string; statusReason?: string | null };
        results[i] = { http: res.status, status: body.status ?? null, reason: body.statusReason ?? null };
      } catch {
        results[i] = { http: 0, status: null, reason: null };
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, n) => client(n)));
  return results.filter(Boolean);
}

/** A paid single-unit order of one SKU, unique by number. */
export function singleUnitOrder(i: number, sku: string, prefix = 'LIVE') {
  return {
    channel: 'douyin',
    shopId: 'live-room',
    channelOrderId: `${prefix}-${String(i).padStart(6, '0')}`,
    status: 'paid',
    currency: 'CNY',
    shippingFen: 0,
    discountFen: 0,
    totalFen: 9900,
    receiver: { name: '李娜', phone: '13912345678', province: '广东省', city: '广州市', district: '天河区', address: '体育西路 1 号' },
    tags: [],
    orderedAt: '2026-11-11T12:00:00Z',
    paidAt: '2026-11-11T12:00:01Z',
    lines: [{ sku, quantity: 1, unitPriceFen: 9900 }],
  };
}
