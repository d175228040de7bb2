import { sql } from 'drizzle-orm';
import type { OrderInput } from '../src/modules/orders/orders.input.ts';
import type { Database } from '../src/platform/db/index.ts';
import { newId } from '../src/platform/ids.ts';

/** A full orders row, NOT NULL columns and the usual optional ones, in one plain INSERT. */
export async function insertRaw(db: Database, tenantId: string, o: OrderInput): Promise<void> {
  const r = o.receiver;
  const goods = o.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
  const now = new Date().toISOString();
  await db.execute(sql`
    INSERT INTO orders (
      tenant_id, id, channel, shop_id, channel_order_id, channel_status, buyer_ref, status, priority, currency,
      goods_fen, shipping_fen, discount_fen, total_fen,
      receiver_name, receiver_phone, receiver_country, receiver_province, receiver_city, receiver_district, receiver_address,
      receiver_name_masked, receiver_phone_masked, receiver_address_masked, tags,
      ordered_at, paid_at, channel_modified_at, process_by, created_at, updated_at
    ) VALUES (
      ${tenantId}, ${newId()}, ${o.channel}, ${o.shopId}, ${o.channelOrderId}, ${o.status}, ${o.buyerRef ?? null}, ${o.status}, 'normal', ${o.currency},
      ${goods}, ${o.shippingFen}, ${o.discountFen}, ${o.totalFen},
      ${r.name}, ${r.phone}, ${r.country}, ${r.province}, ${r.city}, ${r.district ?? null}, ${r.address},
      ${'*'}, ${'*'}, ${'*'}, ${sql.param(o.tags)},
      ${o.orderedAt}, ${o.paidAt ?? null}, ${o.channelModifiedAt ?? o.orderedAt}, ${o.paidAt ?? o.orderedAt}, ${now}, ${now}
    )`);
}

