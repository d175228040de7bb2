import type { RequestContext } from '../../platform/context.ts';
import * as repo from './inventory.repository.ts';
import { activeWarehouseCodes } from './stock-rules.service.ts';
import { countedStock, type WarehouseStock } from './stock-sync.rules.ts';

// The book as reservations read it: which SKUs any warehouse keeps, and how close each order
// comes to the safety stock channels are never offered.

export const key = (sku: string, warehouseCode: string) => `${sku}\u0000${warehouseCode}`;

export type LevelQuantity = { sku: string; warehouseCode: string; quantity: number };

/** Quantities summed per level (SKU × warehouse). */
export function sumPerLevel(entries: Iterable<LevelQuantity>): LevelQuantity[] {
  const sums = new Map<string, LevelQuantity>();
  for (const { sku, warehouseCode, quantity } of entries) {
    const sum = sums.get(key(sku, warehouseCode));
    if (sum) sum.quantity += quantity;
    else sums.set(key(sku, warehouseCode), { sku, warehouseCode, quantity });
  }
  return [...sums.values()];
}

/** Units an order took of a SKU's safety stock at a warehouse: more than the channels were offered. */
export interface SafetyStockUse {
  sku: string;
  warehouseCode: string;
  units: number;
}

/** An order that took units: its lines, and where it took safety stock (filled in here). */
export interface TakingOrder {
  lines: LevelQuantity[];
  safetyStockUsed: SafetyStockUse[];
}

/** The book of a batch's SKUs, every warehouse, as read. */
export interface Book {
  /** SKUs with a level at some warehouse, whatever it holds. */
  known: Set<string>;
  /** Available units (on hand less reserved) per level. */
  available: Map<string, number>;
  /** Per SKU with a safety stock, over the active warehouses: what channels are offered from (see countedStock). */
  guarded: Map<string, { available: number; safetyStock: number }>;
  /** The active warehouses; read only when some SKU has a safety stock. */
  active: ReadonlySet<string>;
}

export async function bookOf(ctx: RequestContext, skus: string[]): Promise<Book> {
  const rows = await repo.levelsWithSkuSafety(ctx.db, ctx.tenantId, skus);
  const available = new Map(rows.map((r) => [key(r.sku, r.warehouseCode), r.onHand - r.reserved]));
  const book: Book = { known: new Set(rows.map((r) => r.sku)), available, guarded: new Map(), active: new Set() };
  // Most SKUs have no safety stock: the warehouses are read only when one does.
  if (!rows.some((r) => (r.safetyStock ?? 0) > 0 || (r.skuSafetyStock ?? 0) > 0)) return book;
  book.active = await activeWarehouseCodes(ctx);
  const bySku = new Map<string, { levels: WarehouseStock[]; skuSafety: number }>();
  for (const r of rows) {
    if (!book.active.has(r.warehouseCode)) continue;
    const entry = bySku.get(r.sku) ?? { levels: [], skuSafety: r.skuSafetyStock ?? 0 };
    entry.levels.push({ warehouseCode: r.warehouseCode, onHand: r.onHand, reserved: r.reserved, safetyStock: r.safetyStock });
    bySku.set(r.sku, entry);
  }
  for (const [sku, { levels, skuSafety }] of bySku) {
    const counted = countedStock(levels, skuSafety, null);
    if (counted.safetyStock > 0) book.guarded.set(sku, counted);
  }
  return book;
}

/**
 * Fills in what each order took of safety stock, in arrival order. Channels are offered
 * at most `available − safetyStock` of a SKU over the active warehouses, so an order taking q
 * units when `available` are left takes max(0, min(q, safetyStock − (available − q))) of the
 * buffer: units the channels were never offered, but an order a channel accepted is still filled
 * from real stock. `before` is each guarded SKU's available before the batch took anything.
 */
export function markSafetyStockUse(orders: TakingOrder[], guarded: Book['guarded'], before: Map<string, number>): void {
  const left = new Map(before);
  for (const order of orders) {
    const taken = sumPerLevel(order.lines);
    for (const { sku, warehouseCode, quantity } of taken) {
      const guard = guarded.get(sku);
      if (!guard) continue;
      const after = left.get(sku)! - quantity;
      left.set(sku, after);
      const units = Math.max(0, Math.min(quantity, guard.safetyStock - after));
      if (units > 0) order.safetyStockUsed.push({ sku, warehouseCode, units });
    }
  }
}

/** Units the batch takes per SKU at active warehouses. */
export function takenPerSku(held: LevelQuantity[], active: ReadonlySet<string>): Map<string, number> {
  const taken = new Map<string, number>();
  for (const r of held) if (active.has(r.warehouseCode)) taken.set(r.sku, (taken.get(r.sku) ?? 0) + r.quantity);
  return taken;
}

/** A SKU's floor: the units its taken levels must still have between them once a plan has taken its units. */
export interface SkuFloor {
  sku: string;
  units: number;
}

/**
 * The floors that keep a plan out of safety stock when it is carried out later: what each guarded
 * SKU's other active warehouses had as read is taken as still there, so the levels the plan takes
 * from must keep the rest of the safety stock themselves.
 */
export function floorsOf(book: Book, held: LevelQuantity[]): SkuFloor[] {
  const takenAt = new Map<string, number>();
  for (const l of sumPerLevel(held)) {
    if (!book.guarded.has(l.sku) || !book.active.has(l.warehouseCode)) continue;
    takenAt.set(l.sku, (takenAt.get(l.sku) ?? 0) + Math.max(0, book.available.get(key(l.sku, l.warehouseCode)) ?? 0));
  }
  const floors: SkuFloor[] = [];
  for (const [sku, g] of book.guarded) {
    const elsewhere = g.available - (takenAt.get(sku) ?? 0);
    if (takenAt.has(sku) && g.safetyStock - elsewhere > 0) floors.push({ sku, units: g.safetyStock - elsewhere });
  }
  return floors;
}
